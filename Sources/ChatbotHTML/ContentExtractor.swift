import Foundation

/// Finds the main content of a page.
///
/// The algorithm (ours):
/// 1. Measure: every run of inline text is a *line block*; a block with at least
///    ``minimumProseCharacters`` characters outside links and a link share under
///    ``maximumProseLinkShare`` is *prose*, anything else (menus, labels, link lists, short lines) is
///    *noise*. Each element sums the prose and noise of its subtree.
/// 2. Prune: structural boilerplate (`nav`, `aside`, `footer`, `form`, …), hidden elements, boilerplate
///    ARIA roles and elements whose class/id words mark boilerplate (comments, sharing, related
///    links, cookie banners, ads, …). An element holding a large share of the page's prose is kept
///    whatever its name says, so a mislabelled article survives.
/// 3. Choose the container that maximises `prose − noiseWeight × noise`: the root holds all prose
///    but all the noise too; a comment-free article body holds almost all the prose and little noise.
/// 4. Add siblings of the container that carry substantial prose of their own (articles split
///    across several containers), then drop, inside, link-heavy blocks and prose-free boxes.
struct ContentExtractor {
    /// Characters outside links that make a line block prose.
    var minimumProseCharacters = 30
    /// The largest share of link characters in a prose block.
    var maximumProseLinkShare = 0.65
    /// How much one character of noise costs against one of prose when choosing the container.
    var noiseWeight = 2.0
    /// How much one character of added noise costs against added prose when growing the container.
    var climbNoiseWeight = 1.0

    /// The content root(s) of `body`, in document order; every other node is ignored.
    func contentNodes(of body: HTMLNode, title: String? = nil) -> [HTMLNode] {
        measure(body)
        let total = max(body.prose, 1)
        prune(body, totalProse: total)
        measure(body)
        var best = body
        var bestScore = score(body)
        var stack: [HTMLNode] = [body]
        while let node = stack.popLast() {
            for child in node.children where child.kind == .element && !child.pruned {
                let value = score(child)
                if value > bestScore {
                    best = child
                    bestScore = value
                }
                if child.prose > 0 { stack.append(child) }
            }
        }
        // Climb while the parent adds clearly more prose than noise: a paragraph chosen alone in a
        // link-rich article grows back into the article.
        while let parent = best.parent, best !== body, !parent.pruned {
            let addedProse = parent.prose - best.prose
            let addedNoise = parent.noise - best.noise
            guard addedProse > 0, Double(addedProse) > climbNoiseWeight * Double(addedNoise) else { break }
            best = parent
        }
        // Descend past other articles: when one child holds most of the prose and every other
        // child with prose has a heading of its own (teasers, "more stories"), keep that child.
        while true {
            let children = best.children.filter { $0.kind == .element && !$0.pruned && $0.prose > 0 }
            guard let main = children.max(by: { $0.prose < $1.prose }), main.prose * 2 >= best.prose,
                children.count > 1,
                children.allSatisfy({ $0 === main || hasHeading($0) })
            else { break }
            best = main
        }
        // The article usually holds its own title: when the chosen container also holds much
        // else (teasers of other articles), narrow it to the block around the title heading.
        if let title, let anchor = titleContainer(in: body, title: title), anchor !== best,
            isDescendant(anchor, of: best), anchor.prose >= 400, anchor.prose * 5 >= best.prose
        {
            best = anchor
        }
        // A container the page itself marks as the article body wins over an ancestor or an
        // unrelated block, when it holds a fair share of the prose.
        if let marked = markedContainer(in: body, minimumProse: max(200, body.prose * 15 / 100)),
            !isDescendant(best, of: marked)
        {
            // Articles split into chunks repeat the marker: take every chunk, in document order.
            let chunks = body.descendants { node in
                !node.pruned && node.prose > 0 && node.name == marked.name
                    && node.attribute("class") == marked.attribute("class")
                    && ElementClasses.marksArticleBody(node)
            }.filter { chunk in !isDescendant(chunk.parent ?? chunk, of: marked) || chunk === marked }
            if chunks.count > 1, chunks.allSatisfy({ !isPruned($0) }) {
                return chunks.filter { chunk in !chunks.contains { $0 !== chunk && isDescendant(chunk, of: $0) } }
            }
            best = marked
        }
        bestScore = score(best)
        guard let parent = best.parent, best !== body else { return [best] }
        var result: [HTMLNode] = []
        let threshold = max(Double(bestScore) * 0.2, 150)
        for sibling in parent.children where sibling.kind == .element && !sibling.pruned {
            if sibling === best {
                result.append(sibling)
            } else if Double(score(sibling)) >= threshold, sibling.linkChars * 3 < sibling.chars,
                sibling.name != best.name || !hasHeading(sibling)
            {
                result.append(sibling)
            }
        }
        return result
    }

    /// The best-scoring element marked as the article body by `itemprop="articleBody"` or a
    /// class/id such as `article-body`, `entry-content`, `post-content` or `story-body`.
    private func markedContainer(in body: HTMLNode, minimumProse: Int) -> HTMLNode? {
        var found: HTMLNode?
        var stack: [HTMLNode] = [body]
        while let node = stack.popLast() {
            for child in node.children where child.kind == .element && !child.pruned && child.prose >= minimumProse {
                if ElementClasses.marksArticleBody(child), found.map({ score(child) > score($0) }) ?? true {
                    found = child
                }
                stack.append(child)
            }
        }
        return found
    }

    /// Prunes what precedes the title heading inside the content (breadcrumbs, "breaking news"
    /// bars, kickers): the article starts at its title.
    func pruneBeforeTitle(in nodes: [HTMLNode], title: String?) {
        guard let title, let first = nodes.first else { return }
        let wanted = TitleMatch.normalize(title)
        guard wanted.count >= 8,
            let heading = first.descendants(where: { $0.name == "h1" && !$0.pruned }).first(where: {
                TitleMatch.matches(TitleMatch.normalize($0.textContent), wanted)
            })
        else { return }
        var node = heading
        while let parent = node.parent, node !== first {
            for sibling in parent.children {
                if sibling === node { break }
                if sibling.kind == .element { sibling.pruned = true }
            }
            node = parent
        }
    }

    /// The lowest ancestor of the heading that repeats the page title which holds prose.
    private func titleContainer(in body: HTMLNode, title: String) -> HTMLNode? {
        let wanted = TitleMatch.normalize(title)
        guard wanted.count >= 8 else { return nil }
        let headings = body.descendants { $0.name == "h1" && !$0.pruned }
        guard let heading = headings.first(where: { TitleMatch.matches(TitleMatch.normalize($0.textContent), wanted) })
        else { return nil }
        var current = heading.parent
        while let node = current, node !== body {
            if node.pruned { return nil }
            if node.prose >= 200 { return node }
            current = node.parent
        }
        return nil
    }

    /// Whether the element holds an `h1`–`h3` (a sibling article of its own, not a continuation).
    private func hasHeading(_ node: HTMLNode) -> Bool {
        !node.descendants { $0.name == "h1" || $0.name == "h2" || $0.name == "h3" }.isEmpty
    }

    /// Whether the node or one of its ancestors was pruned.
    private func isPruned(_ node: HTMLNode) -> Bool {
        var current: HTMLNode? = node
        while let item = current {
            if item.pruned { return true }
            current = item.parent
        }
        return false
    }

    private func isDescendant(_ node: HTMLNode, of ancestor: HTMLNode) -> Bool {
        var current: HTMLNode? = node
        while let item = current {
            if item === ancestor { return true }
            current = item.parent
        }
        return false
    }

    private func score(_ node: HTMLNode) -> Int {
        node.prose - Int(noiseWeight * Double(node.noise))
    }

    // MARK: Measuring

    /// Sums prose, noise, characters and link characters over the subtree of `node` (pruned nodes count zero).
    func measure(_ node: HTMLNode) {
        node.prose = 0
        node.noise = 0
        node.chars = 0
        node.linkChars = 0
        var run = LineRun()
        for child in node.children {
            if child.kind == .text {
                run.add(count: child.visibleCharacters, inLink: false)
                continue
            }
            if child.pruned { continue }
            if child.isInline && !child.hasBlockInside {
                let (chars, links) = inlineCounts(child, inLink: child.name == "a")
                run.chars += chars
                run.linkChars += links
                continue
            }
            flush(&run, into: node)
            measure(child)
            node.prose += child.prose
            node.noise += child.noise
            node.chars += child.chars
            node.linkChars += child.linkChars
        }
        flush(&run, into: node)
    }

    private func flush(_ run: inout LineRun, into node: HTMLNode) {
        guard run.chars > 0 else { return }
        node.chars += run.chars
        node.linkChars += run.linkChars
        let own = run.chars - run.linkChars
        if isHeading(node) {
            // Headings neither argue for nor against a container.
        } else if own >= minimumProseCharacters && Double(run.linkChars) <= maximumProseLinkShare * Double(run.chars) {
            node.prose += own
            node.noise += run.linkChars
        } else if isCell(node) {
            // Short cells and items (figures in a data table, terse bullet points) are neutral;
            // only their links are noise.
            node.noise += run.linkChars
        } else {
            node.noise += run.chars
        }
        run = LineRun()
    }

    private func isCell(_ node: HTMLNode) -> Bool {
        switch node.name {
        case "td", "th", "li", "dd", "dt": true
        default: false
        }
    }

    private func isHeading(_ node: HTMLNode) -> Bool {
        switch node.name {
        case "h1", "h2", "h3", "h4", "h5", "h6": true
        default: false
        }
    }

    private func inlineCounts(_ node: HTMLNode, inLink: Bool) -> (Int, Int) {
        var chars = 0
        var links = 0
        for child in node.children {
            if child.kind == .text {
                let count = child.visibleCharacters
                chars += count
                if inLink { links += count }
            } else if !child.pruned {
                let (c, l) = inlineCounts(child, inLink: inLink || child.name == "a")
                chars += c
                links += l
            }
        }
        return (chars, links)
    }

    // MARK: Pruning

    private func prune(_ node: HTMLNode, totalProse: Int) {
        for child in node.children where child.kind == .element {
            if shouldPrune(child, totalProse: totalProse) {
                child.pruned = true
            } else {
                prune(child, totalProse: totalProse)
            }
        }
    }

    /// Whether a `style` value holds `display:none` or `visibility:hidden` (ASCII case and spaces ignored).
    static func hidesElement(style: String) -> Bool {
        if style.utf8.contains(where: { $0 >= 0x80 }) {
            let compact = style.lowercased().replacingOccurrences(of: " ", with: "")
            return compact.contains("display:none") || compact.contains("visibility:hidden")
        }
        guard style.utf8.count >= 12 else { return false }
        let bytes = ArraySlice(style.utf8.lazy.filter { $0 != 0x20 }.map(TextScanning.lowered))
        return TextScanning.contains(bytes, Self.displayNone) || TextScanning.contains(bytes, Self.visibilityHidden)
    }

    private static let displayNone = Array("display:none".utf8)
    private static let visibilityHidden = Array("visibility:hidden".utf8)

    func shouldPrune(_ node: HTMLNode, totalProse: Int) -> Bool {
        let share = Double(node.prose) / Double(totalProse)
        if ElementClasses.boilerplate.contains(node.name) {
            // A <form> wrapping the whole page (ASP.NET) or an <aside> holding the article is content.
            return share < 0.5
        }
        if node.name == "header" && share < 0.3 { return true }
        if node.attribute("hidden") != nil { return true }
        if let hidden = node.attribute("aria-hidden"), hidden == "true", share < 0.3 { return true }
        if let style = node.attribute("style"), Self.hidesElement(style: style) { return true }
        if let role = node.attribute("role")?.lowercased(), ElementClasses.boilerplateRoles.contains(role),
            share < 0.3
        {
            return true
        }
        let words = ElementClasses.words(of: node)
        guard !words.isEmpty else { return false }
        // One look-up per word: the categories it belongs to.
        var categories: UInt8 = 0
        for word in words { categories |= ElementClasses.wordCategories[word] ?? 0 }
        guard categories != 0 else { return false }
        // Embedded posts (tweets, Instagram) quoted by the article are content.
        if categories & ElementClasses.embedCategory != 0 { return false }
        let strong = categories & ElementClasses.strongNegativeCategory != 0
        let negative = strong || categories & ElementClasses.negativeCategory != 0
        let positive = categories & ElementClasses.positiveCategory != 0
        if categories & ElementClasses.consentCategory != 0 { return share < 0.9 }
        if categories & ElementClasses.overlayCategory != 0 { return share < 0.6 }
        if strong { return share < 0.5 }
        if negative && !positive { return share < 0.5 }
        if negative { return share < 0.03 }
        return false
    }
}

/// Compares headings with the page title.
enum TitleMatch {
    /// Lower-cased letters and digits only.
    static func normalize(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the letters and digits, lower-cased, without Unicode tables.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case 0x30...0x39, 0x61...0x7A: bytes.append(byte)
                case 0x41...0x5A: bytes.append(byte + 32)
                default: continue
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    /// Whether a heading repeats the title (equal, or contained in a title that adds the site name).
    static func matches(_ heading: String, _ title: String) -> Bool {
        guard !heading.isEmpty else { return false }
        return heading == title || (heading.count >= 15 && title.contains(heading))
            || (heading.count >= 8 && (title.hasPrefix(heading) || title.hasSuffix(heading)))
            || (title.count >= 15 && heading.contains(title))
    }
}

/// A run of inline text being measured.
struct LineRun {
    var chars = 0
    var linkChars = 0

    mutating func add(count: Int, inLink: Bool) {
        chars += count
        if inLink { linkChars += count }
    }

    /// Non-whitespace characters (counted on UTF-8 bytes for speed; multi-byte scalars count once).
    static func visibleCount(_ text: String) -> Int {
        let counted = text.utf8.withContiguousStorageIfAvailable { bytes in
            var count = 0
            for byte in bytes where byte > 0x20 && (byte & 0xC0) != 0x80 { count += 1 }
            return count
        }
        if let counted { return counted }
        var count = 0
        for byte in text.utf8 where byte > 0x20 && (byte & 0xC0) != 0x80 { count += 1 }
        return count
    }
}
