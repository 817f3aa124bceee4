#!/usr/bin/env python3
"""Uses up a rate-limited key of a running `chatbot serve` with the official OpenAI Python SDK, then
lets the SDK's own retry wait out `Retry-After`. Prints what it saw as JSON; used by
ServerOpenAISDKTests."""
import argparse
import json
import sys
import time

import openai
from openai import OpenAI

parser = argparse.ArgumentParser()
parser.add_argument("--base-url", required=True)
parser.add_argument("--key", required=True)
args = parser.parse_args()

seen = {}
impatient = OpenAI(base_url=args.base_url, api_key=args.key, max_retries=0, timeout=30)
for attempt in range(1000):
    try:
        impatient.models.list()
    except openai.RateLimitError as error:
        seen["refused_after"] = attempt
        seen["retry_after"] = error.response.headers.get("retry-after")
        seen["code"] = (error.body or {}).get("code") if isinstance(error.body, dict) else None
        break

# The SDK retries a 429 after the server's Retry-After by itself.
patient = OpenAI(base_url=args.base_url, api_key=args.key, max_retries=3, timeout=30)
started = time.monotonic()
seen["after_retry"] = [model.id for model in patient.models.list()]
seen["waited"] = time.monotonic() - started
json.dump(seen, sys.stdout)
