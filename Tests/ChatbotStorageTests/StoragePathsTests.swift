import ChatbotStorage
import Foundation
import Testing

@Suite("StoragePaths")
struct StoragePathsTests {
    let home = URL(fileURLWithPath: "/home/tester", isDirectory: true)

    @Test("CHATBOT_DATA_DIR wins over XDG_DATA_HOME")
    func chatbotDataDir() {
        let paths = StoragePaths(
            environment: ["CHATBOT_DATA_DIR": "/srv/chatbot", "XDG_DATA_HOME": "/xdg"], homeDirectory: home)
        #expect(paths.dataDirectory.path == "/srv/chatbot")
        #expect(paths.database.path == "/srv/chatbot/chatbot.sqlite")
        #expect(paths.objects.path == "/srv/chatbot/objects")
    }

    @Test("XDG_DATA_HOME/chatbot, then ~/.local/share/chatbot; a relative XDG_DATA_HOME is ignored")
    func xdgAndHome() {
        #expect(
            StoragePaths(environment: ["XDG_DATA_HOME": "/xdg"], homeDirectory: home).dataDirectory.path
                == "/xdg/chatbot")
        #expect(
            StoragePaths(environment: [:], homeDirectory: home).dataDirectory.path
                == "/home/tester/.local/share/chatbot")
        #expect(
            StoragePaths(environment: ["XDG_DATA_HOME": "rel"], homeDirectory: home).dataDirectory.path
                == "/home/tester/.local/share/chatbot")
        #expect(
            StoragePaths(environment: ["CHATBOT_DATA_DIR": "~/bot"], homeDirectory: home).dataDirectory.path
                == "/home/tester/bot")
    }

    @Test("an explicit directory wins over the environment")
    func explicitDirectory() {
        let explicit = URL(fileURLWithPath: "/explicit", isDirectory: true)
        let paths = StoragePaths(
            explicitDirectory: explicit, environment: ["CHATBOT_DATA_DIR": "/srv"], homeDirectory: home)
        #expect(paths.dataDirectory == explicit)
        #expect(StoragePaths(dataDirectory: explicit).database.path == "/explicit/chatbot.sqlite")
    }
}
