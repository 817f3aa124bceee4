#!/usr/bin/env python3
"""Drives a running `chatbot serve` with the official OpenAI Python SDK and prints what it saw as
JSON on stdout. Used by ServerOpenAISDKTests; exits non-zero on an unexpected failure."""
import argparse
import json
import sys

import openai
from openai import OpenAI

parser = argparse.ArgumentParser()
parser.add_argument("--base-url", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--model", required=True)
parser.add_argument("--embeddings", action="store_true")
parser.add_argument("--audio", help="a speech file to transcribe")
args = parser.parse_args()

client = OpenAI(base_url=args.base_url, api_key=args.key, max_retries=0, timeout=120)
seen = {}

seen["models"] = [model.id for model in client.models.list()]

completion = client.chat.completions.create(
    model=args.model,
    messages=[{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Say hello."}],
    max_tokens=8,
    temperature=0,
)
seen["completion"] = {
    "content": completion.choices[0].message.content,
    "finish_reason": completion.choices[0].finish_reason,
    "total_tokens": completion.usage.total_tokens if completion.usage else None,
}

pieces = []
usage = None
stream = client.chat.completions.create(
    model=args.model,
    messages=[{"role": "user", "content": [{"type": "text", "text": "Count to three."}]}],
    max_tokens=12,
    temperature=0,
    stream=True,
    stream_options={"include_usage": True},
)
for chunk in stream:
    if chunk.usage:
        usage = chunk.usage.total_tokens
    for choice in chunk.choices:
        if choice.delta and choice.delta.content:
            pieces.append(choice.delta.content)
seen["stream"] = {"text": "".join(pieces), "chunks": len(pieces), "total_tokens": usage}

if args.embeddings:
    result = client.embeddings.create(model="multilingual-e5-small", input=["the sea", "la mer"])
    seen["embeddings"] = [len(item.embedding) for item in result.data]

if args.audio:
    with open(args.audio, "rb") as audio:
        transcription = client.audio.transcriptions.create(model="whisper-1", file=audio)
    seen["transcription"] = transcription.text
    with open(args.audio, "rb") as audio:
        subtitles = client.audio.transcriptions.create(model="whisper-1", file=audio, response_format="srt")
    seen["srt"] = subtitles if isinstance(subtitles, str) else str(subtitles)

bad = OpenAI(base_url=args.base_url, api_key="cbk_0123456789abcdef_" + "0" * 64, max_retries=0)
try:
    bad.models.list()
    seen["bad_key"] = "accepted"
except openai.AuthenticationError as error:
    seen["bad_key"] = "AuthenticationError"
    seen["bad_key_type"] = (error.body or {}).get("type") if isinstance(error.body, dict) else None

try:
    client.chat.completions.create(model="nowhere:none", messages=[{"role": "user", "content": "x"}])
    seen["bad_model"] = "accepted"
except openai.BadRequestError:
    seen["bad_model"] = "BadRequestError"

json.dump(seen, sys.stdout)
