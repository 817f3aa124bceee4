#!/usr/bin/env python3
"""Renders chatbot's man page (roff, man(7) macros) from `chatbot --experimental-dump-help` on stdin.

The command tree, options and help text come from the binary; the sections that are not about a
single command (configuration, environment, files, examples) are written here. The exit status
section is parsed from the root command's discussion so it has one source of truth.
"""
import json
import re
import sys

version = sys.argv[1] if len(sys.argv) > 1 else ""
tree = json.load(sys.stdin)["command"]


def esc(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def option_label(arg):
    if arg["kind"] == "positional":
        name = arg.get("valueName", "value")
        label = f"<{name}>"
        if arg.get("isRepeating"):
            label += " ..."
        return f"\\fI{esc(label)}\\fR"
    names = sorted(arg.get("names", []), key=lambda n: 0 if n["kind"] in ("short", "longWithSingleDash") else 1)
    rendered = []
    for n in names:
        prefix = "-" if n["kind"] in ("short", "longWithSingleDash") else "--"
        rendered.append(f"\\fB{esc(prefix + n['name'])}\\fR")
    label = ", ".join(rendered)
    if arg["kind"] == "option":
        label += f" \\fI{esc('<' + arg.get('valueName', 'value') + '>')}\\fR"
    return label


def visible(items):
    return [i for i in items or [] if i.get("shouldDisplay", True)]


out = []
out.append(f'.TH CHATBOT 1 "" "chatbot {esc(version)}" "User Commands"')
out.append(".SH NAME")
out.append(f"chatbot \\- {esc(tree['abstract'])}")
out.append(".SH SYNOPSIS")
out.append(".B chatbot")
out.append("\\fIsubcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]")
out.append(".SH DESCRIPTION")
discussion = tree.get("discussion", "")
exit_text = ""
if "EXIT STATUS:" in discussion:
    discussion, exit_text = discussion.split("EXIT STATUS:", 1)
for paragraph in discussion.strip().split("\n\n"):
    out.append(".PP")
    out.append(esc(paragraph.strip()))

out.append(".SH COMMANDS")


def render(command, path):
    subcommands = [s for s in visible(command.get("subcommands")) if s["commandName"] != "help"]
    name = " ".join(path)
    if len(path) > 1:
        out.append(".SS " + esc(name))
        out.append(esc(command.get("abstract", "")))
        if command.get("discussion"):
            out.append(".PP")
            out.append(esc(command["discussion"]))
        args = visible(command.get("arguments"))
        args = [a for a in args if not (a.get("names") and a["names"][0]["name"] in ("help", "version"))]
        for arg in args:
            out.append(".TP")
            out.append(option_label(arg))
            text = arg.get("abstract", "")
            if arg.get("defaultValue") not in (None, "", "false") and arg["kind"] != "flag":
                text += f" (default: {arg['defaultValue']})"
            if arg.get("allValues"):
                text += f" (values: {', '.join(arg['allValues'])})"
            out.append(esc(text) if text else "\\&")
    for sub in subcommands:
        render(sub, path + [sub["commandName"]])


render(tree, ["chatbot"])

out.append(".SH CONFIGURATION")
out.append(esc("""Settings are merged from, in order of precedence: command-line flags, CHATBOT_* environment variables, the YAML file, and built-in defaults. A dotted key such as providers.openai.base_url is spelled CHATBOT_PROVIDERS_OPENAI_BASE_URL in the environment. `chatbot config init` writes a commented starter file; `chatbot config show` prints the effective settings with API keys redacted."""))
out.append(".PP")
out.append(esc("""Keys: model (alias, provider or provider:model; default local), fallback (list), cache (bool), retries, timeouts.connect, timeouts.idle (seconds), aliases.NAME, providers.NAME.{preset, base_url, api_key_env, api_key, default_model, headers}, prices.MODEL.{input, output} (USD per million tokens), data_dir, local.{prefix, chat_port, embeddings_port, speech_port, chat_model_file, state_dir}. Provider presets: local, openai, huggingface, tgi, ollama, llamacpp, groq."""))

out.append(".SH ENVIRONMENT")
for name, text in [
    ("CHATBOT_CONFIG", "The configuration file to read instead of the default."),
    ("CHATBOT_*", "Any configuration key, upper-cased with dots as underscores (CHATBOT_MODEL, CHATBOT_DATA_DIR, CHATBOT_CACHE)."),
    ("OPENAI_API_KEY, HF_TOKEN, GROQ_API_KEY", "API keys read by the presets of the same providers."),
    ("XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME", "Base directories of the configuration, data and state files."),
]:
    out.append(".TP")
    out.append(f"\\fB{esc(name)}\\fR")
    out.append(esc(text))

out.append(".SH FILES")
for name, text in [
    ("$XDG_CONFIG_HOME/chatbot/config.yaml", "The configuration file."),
    ("$XDG_DATA_HOME/chatbot/chatbot.sqlite", "The embedded database (SQLite, WAL): conversations, messages, response cache."),
    ("$XDG_DATA_HOME/chatbot/objects/", "The content-addressed object store."),
    ("$XDG_DATA_HOME/chatbot/local/", "The local model stack installed by Scripts/setup."),
    ("$XDG_STATE_HOME/chatbot/", "Pid files and logs of the local model servers."),
]:
    out.append(".TP")
    out.append(f"\\fI{esc(name)}\\fR")
    out.append(esc(text))

out.append(".SH EXIT STATUS")
for code, text in re.findall(r"(\d+) ([^;.]+)", exit_text):
    out.append(".TP")
    out.append(f"\\fB{code}\\fR")
    out.append(esc(text.strip()))

out.append(".SH EXAMPLES")
for command, text in [
    ('chatbot ask "What is the capital of France?"', "Ask the default model; the answer streams to stdout."),
    ('git diff | chatbot ask "review this"', "Send an instruction followed by piped text."),
    ('echo hello | chatbot ask --json "Translate to French"', "Print one JSON object for scripts."),
    ('chatbot ask -c "and in German?"', "Continue the latest conversation."),
    ('chatbot ask -m openai:gpt-4o-mini "..."', "Use a configured provider and model."),
    ("chatbot history search paris", "Full-text search over past messages."),
    ("chatbot history usage --days 30", "Token and cost totals per model."),
    ("chatbot local status", "Show the local model servers."),
    ("chatbot ingest -C manuals --queue /srv/manuals", "Queue the ingest as a job for the background workers (from cron)."),
    ("chatbot worker --concurrency 4", "Run background jobs (uploads, URLs, transcriptions) from the shared queue."),
    ("chatbot jobs list --status failed", "Background jobs that failed, with the ids that jobs show and jobs retry take."),
]:
    out.append(".TP")
    out.append(f"\\fB{esc(command)}\\fR")
    out.append(esc(text))

out.append(".SH SEE ALSO")
out.append("The README of the chatbot project.")
print("\n".join(out))
