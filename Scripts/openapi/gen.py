#!/usr/bin/env python3
"""Generates the OpenAPI 3.1 document of `chatbot serve`, Sources/ChatbotServer/Resources/openapi.json.

Run from the repository's root after changing a route, then check the server against it:

    python3 Scripts/openapi/gen.py > Sources/ChatbotServer/Resources/openapi.json
    Scripts/check-openapi            # schemathesis against a live `chatbot serve`

The document is written by hand here (schemas, shared responses, then paths), from the routes in
Sources/ChatbotServer/Routes and the middleware in Sources/ChatbotServer/Middleware.
"""
import json
import struct
import sys

REF = lambda name: {"$ref": f"#/components/schemas/{name}"}
HREF = lambda name: {"$ref": f"#/components/headers/{name}"}
RREF = lambda name: {"$ref": f"#/components/responses/{name}"}
PREF = lambda name: {"$ref": f"#/components/parameters/{name}"}

DATE = {"type": "string", "format": "date-time"}
UUID = {"type": "string", "format": "uuid"}
STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}


def nullable(schema):
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    return out


def obj(properties, required=(), **extra):
    out = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


COMMON_HEADERS = {
    "X-Request-Id": HREF("X-Request-Id"),
    "X-Content-Type-Options": HREF("X-Content-Type-Options"),
    "Cache-Control": HREF("Cache-Control"),
}


def response(description, content=None, headers=None):
    out = {"description": description, "headers": dict(COMMON_HEADERS)}
    if headers:
        out["headers"].update(headers)
    if content:
        out["content"] = content
    return out


def json_content(schema):
    return {"application/json": {"schema": schema}}


PROBLEM = {"application/problem+json": {"schema": REF("Problem")}}
OPENAI_ERROR = {"application/json": {"schema": REF("OpenAIError")}}
SSE = {"text/event-stream": {"schema": REF("AnswerEvent")}}
V1_SSE = {"text/event-stream": {"schema": REF("ChatCompletionStreamEvent")}}


def json_data(schema):
    """An SSE `data` field holding JSON."""
    return {"type": "string", "contentMediaType": "application/json", "contentSchema": schema}


def sse_event(name, data_schema, description):
    return {
        "type": "object",
        "description": description,
        "properties": {
            "event": {"const": name},
            "id": {"type": "string", "pattern": "^[0-9]+$"},
            "data": json_data(data_schema),
        },
        "required": ["event", "id", "data"],
    }


def problem(description, headers=None):
    return response(description, PROBLEM, headers)


def openai_error(description, headers=None):
    return response(description, OPENAI_ERROR, headers)


# ---------------------------------------------------------------- schemas

schemas = {}

schemas["Problem"] = obj(
    {
        "type": {
            "type": "string",
            "pattern": "^urn:chatbot:problem:[a-z0-9-]+$",
            "description": "A stable URN naming the kind of problem: `urn:chatbot:problem:<slug>` with slugs "
            "such as `usage`, `unauthorized`, `forbidden`, `not-found`, `conflict`, `too-large`, "
            "`unsupported-media-type`, `rate-limited`, `budget-exceeded`, `interrupted`, `runtime`, `unavailable`, "
            "`temporary`, `http-426`.",
            "examples": ["urn:chatbot:problem:not-found"],
        },
        "title": {"type": "string", "description": "The HTTP status's reason phrase."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong, for people. Never internals."},
        "request_id": {"type": "string", "description": "The request's id, as in `X-Request-Id`."},
    },
    ["type", "title", "status", "detail", "request_id"],
    description="An RFC 9457 problem document: every error under `/api` (and the health and metrics routes).",
)

schemas["OpenAIError"] = obj(
    {
        "error": obj(
            {
                "message": STR,
                "type": {
                    "type": "string",
                    "enum": [
                        "invalid_request_error",
                        "authentication_error",
                        "permission_error",
                        "rate_limit_exceeded",
                        "server_error",
                    ],
                },
                "param": {"type": "null"},
                "code": {"type": ["string", "null"], "description": "`invalid_api_key` on 401, else null."},
            },
            ["message", "type", "param", "code"],
        )
    },
    ["error"],
    description="An error under `/v1`, in OpenAI's shape (the SDKs parse it).",
)

schemas["Health"] = obj({"status": {"type": "string", "enum": ["ok"]}}, ["status"])

schemas["Role"] = {
    "type": "string",
    "enum": ["admin", "member", "viewer"],
    "description": "An admin holds every scope; a member `chat`, `documents:read`, `documents:write` and "
    "`jobs`; a viewer `chat` and `documents:read`.",
}
schemas["Scope"] = {"type": "string", "enum": ["chat", "documents:read", "documents:write", "jobs", "admin"]}

schemas["User"] = obj(
    {
        "id": {"type": "string", "description": "A lowercase UUID (the command line's own user has a fixed id)."},
        "name": {"type": "string", "description": "The login name: lowercase letters, digits, `.`, `_`, `-`."},
        "email": {"type": "string", "description": "Absent when the user has none."},
        "role": REF("Role"),
        "disabled": BOOL,
        "created_at": DATE,
    },
    ["id", "name", "role", "disabled", "created_at"],
    description="A user as the API shows one: never a password hash or a token version.",
)

schemas["LoginRequest"] = obj(
    {"username": STR, "password": STR},
    ["username", "password"],
)

schemas["RefreshRequest"] = obj(
    {
        "refresh_token": {
            "type": ["string", "null"],
            "description": "The refresh token; when absent, null or empty, the `chatbot_refresh` cookie is used "
            "(same-origin requests only).",
        }
    },
    description="Optional: the body may also be empty.",
)

schemas["TokenResponse"] = obj(
    {
        "access_token": {"type": "string", "description": "An EdDSA-signed JWT."},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer", "minimum": 0, "description": "Seconds until the access token expires."},
        "refresh_token": STR,
        "refresh_expires_at": DATE,
        "user": REF("User"),
    },
    ["access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_at", "user"],
)

schemas["MessageRole"] = {"type": "string", "enum": ["system", "user", "assistant"]}
schemas["MessageStatus"] = {
    "type": "string",
    "enum": ["complete", "streaming", "interrupted", "failed"],
    "description": "How a stored message came to its end.",
}

schemas["Message"] = obj(
    {
        "id": UUID,
        "role": REF("MessageRole"),
        "content": {"type": "string", "description": "The text (partial for an interrupted or failed answer)."},
        "model": {"type": "string", "description": "Assistant messages: the model that answered."},
        "provider": {"type": "string", "description": "Assistant messages: the provider that answered."},
        "prompt_tokens": INT,
        "completion_tokens": INT,
        "cost": {"type": "number", "description": "USD, when a price is configured for the model."},
        "latency_ms": INT,
        "status": REF("MessageStatus"),
        "created_at": DATE,
    },
    ["id", "role", "content", "status", "created_at"],
    description="A stored message. Fields that are unknown are absent (never null).",
)

schemas["Conversation"] = obj(
    {
        "id": UUID,
        "title": STR,
        "created_at": DATE,
        "updated_at": DATE,
        "messages": {
            "type": "array",
            "items": REF("Message"),
            "description": "Only when the conversation is read whole.",
        },
    },
    ["id", "title", "created_at", "updated_at"],
)

schemas["ConversationWithMessages"] = {
    "allOf": [REF("Conversation"), {"type": "object", "required": ["messages"]}],
    "description": "A conversation with its messages, oldest first.",
}

schemas["ConversationPage"] = obj(
    {
        "data": {"type": "array", "items": REF("Conversation")},
        "next_cursor": {
            "type": "string",
            "description": "Present when there are more: pass it as `cursor` for the next page.",
        },
    },
    ["data"],
    description="The caller's conversations, most recently updated first.",
)

schemas["SearchHit"] = obj(
    {
        "conversation_id": UUID,
        "message": REF("Message"),
        "snippet": {"type": "string", "description": "The matching text, with matches in `[` `]`."},
    },
    ["conversation_id", "message", "snippet"],
)

schemas["SearchPage"] = obj(
    {"data": {"type": "array", "items": REF("SearchHit")}},
    ["data"],
    description="Messages of the caller's conversations matching `q`, best first.",
)

schemas["AskRequest"] = obj(
    {
        "message": {"type": "string", "pattern": "\\S", "description": "The question; must not be blank."},
        "model": {
            "type": ["string", "null"],
            "examples": ["local"],
            "description": "An alias, a provider name or `provider:model`; the configured default when absent. "
            "An unknown one is a 400.",
        },
        "system": {"type": ["string", "null"], "description": "A system prompt."},
        "temperature": {"type": ["number", "null"]},
        "max_tokens": {"type": ["integer", "null"], "minimum": 1},
        "collection": {
            "type": ["string", "null"],
            "examples": ["handbook"],
            "description": "Answer from this collection's documents, citing them as `[rank]`: the best `top` "
            "chunks go with the question. One the caller may not read (or without the `documents:read` scope: "
            "403) is a 400, as a collection that does not exist, before anything is recorded.",
        },
        "top": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 50,
            "description": "How many chunks of `collection` go with the question (default 5).",
        },
    },
    ["message"],
)

schemas["ChunkLocation"] = obj(
    {
        "page": {"type": "integer", "description": "The 1-based page (PDF)."},
        "slide": {"type": "integer", "description": "The 1-based slide (PPTX, ODP)."},
        "sheet": {"type": "string", "description": "The sheet (XLSX, ODS)."},
        "chapter": {"type": "string", "description": "The chapter (EPUB)."},
        "heading_path": {
            "type": "array",
            "items": STR,
            "description": "The headings above the chunk, outermost first.",
        },
        "start": {"type": "number", "description": "Where the chunk starts in a recording, in seconds."},
        "end": {"type": "number", "description": "Where it ends, in seconds."},
    },
    description="Where in its document a chunk is; what is unknown is absent (it may be empty).",
)

schemas["Source"] = obj(
    {
        "rank": {"type": "integer", "minimum": 1, "description": "1-based: the `[n]` an answer cites."},
        "source": {"type": "string", "description": "Where the document came from: a path or URL."},
        "title": {"type": "string", "description": "The document's title, when it has one."},
        "location": REF("ChunkLocation"),
        "citation": {
            "type": "string",
            "description": "The citation as people read it: `report.pdf, page 3`, `talk.mp4 @ 12:34–13:10`.",
        },
        "score": {"type": "number", "description": "Higher is better."},
        "text": {"type": "string", "description": "The chunk's text."},
        "chunk_id": STR,
        "document_id": STR,
    },
    ["rank", "source", "location", "citation", "score", "text", "chunk_id", "document_id"],
    description="A chunk of a collection sent with a question as a source.",
)

schemas["SourcesEvent"] = obj(
    {
        "collection": {"type": "string", "description": "The collection's name."},
        "sources": {"type": "array", "items": REF("Source"), "description": "Best first; may be empty."},
        "warning": {
            "type": "string",
            "description": "Why the search was weaker than usual (e.g. full text only); absent otherwise.",
        },
    },
    ["collection", "sources"],
    description="The chunks an answer from a collection was given, before its text.",
)

schemas["AnswerSummary"] = obj(
    {
        "message_id": {"type": "string", "description": "The stored answer's id."},
        "model": STR,
        "provider": STR,
        "prompt_tokens": INT,
        "completion_tokens": INT,
        "cost": NUM,
        "latency_ms": INT,
        "cached": BOOL,
        "status": REF("MessageStatus"),
    },
    ["model", "provider", "latency_ms", "cached", "status"],
    description="The end of an answer, as the `done` event and the JSON answer carry it.",
)

schemas["AskResult"] = obj(
    {
        "answer": {"type": "string", "description": "The answer's text (partial when it failed midway)."},
        "conversation_id": UUID,
        "result": {
            "oneOf": [REF("AnswerSummary"), {"type": "null"}],
            "description": "null when the answer failed before it was recorded.",
        },
        "collection": {"type": "string", "description": "With a `collection` in the request: its name."},
        "sources": {
            "type": "array",
            "items": REF("Source"),
            "description": "With a `collection` in the request: the chunks sent with the question, best first.",
        },
    },
    ["answer", "conversation_id", "result"],
)

schemas["AnswerError"] = obj(
    {
        "type": {"type": "string", "pattern": "^urn:chatbot:problem:[a-z0-9-]+$"},
        "status": {"type": "integer", "description": "Absent when the event is replayed from the database."},
        "detail": STR,
    },
    ["type", "detail"],
)

schemas["AnswerEvent"] = {
    "description": "One server-sent event of an answer (this schema describes each event, as "
    "`{event, id, data}`). The id is the answer's length so far in UTF-8 bytes.",
    "oneOf": [
        sse_event(
            "conversation",
            obj({"conversation": REF("Conversation"), "message_id": UUID}, ["conversation", "message_id"]),
            "First (not repeated on resume): the conversation and the answer's message id.",
        ),
        sse_event(
            "sources",
            REF("SourcesEvent"),
            "Right after `conversation` when the question names a collection (not repeated on resume).",
        ),
        sse_event("delta", obj({"text": STR}, ["text"]), "A piece of the answer."),
        sse_event("error", REF("AnswerError"), "The answer failed; `done` follows when it was recorded."),
        sse_event("done", REF("AnswerSummary"), "The end."),
    ],
}

schemas["RenameRequest"] = obj(
    {"title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S", "description": "1 to 200 characters once trimmed."}},
    ["title"],
)

schemas["CancelAccepted"] = obj({"status": {"type": "string", "enum": ["cancelling"]}}, ["status"])

schemas["UserList"] = obj({"data": {"type": "array", "items": REF("User")}}, ["data"])

schemas["NewUser"] = obj(
    {
        "name": {
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
            "description": "1 to 64 of letters, digits, `.`, `_`, `-`, starting with a letter or digit "
            "(folded to lower case).",
        },
        "email": {
            "type": ["string", "null"],
            "maxLength": 254,
            "pattern": "^[^@\\s]+@[^@\\s]*\\.[^@\\s]*$",
            "description": "One `@`, something before it, a `.` after it, no white space.",
        },
        "role": {
            "type": ["string", "null"],
            "enum": ["admin", "member", "viewer", None],
            "description": "Case-insensitive; `member` when absent.",
        },
        "password": {"type": "string", "minLength": 10, "maxLength": 128, "description": "10 to 128 characters."},
    },
    ["name", "password"],
)

schemas["UserChange"] = obj(
    {
        "role": {
            "type": ["string", "null"],
            "enum": ["admin", "member", "viewer", None],
            "description": "Case-insensitive.",
        },
        "disabled": {"type": ["boolean", "null"]},
    },
    description="What to change; absent or null fields stay as they are. Any other field is ignored.",
)

schemas["PasswordChange"] = obj(
    {"password": {"type": "string", "minLength": 10, "maxLength": 128, "description": "10 to 128 characters."}},
    ["password"],
)

schemas["NewKey"] = obj(
    {
        "name": {
            "type": ["string", "null"],
            "maxLength": 100,
            "pattern": "^[^\\n\\r\\u000b\\u000c\\u0085\\u2028\\u2029]*\\S[^\\n\\r\\u000b\\u000c\\u0085\\u2028\\u2029]*$",
            "description": "A label, 1 to 100 characters on one line; `default` when absent.",
        },
        "scopes": {
            "type": ["array", "null"],
            "items": {"type": "string", "enum": ["chat", "documents:read", "documents:write", "jobs", "admin"]},
            "description": "Case-insensitive. Empty or absent: everything the owner's role allows but `admin`.",
        },
        "expires_in_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 3650},
        "user": {"type": ["string", "null"], "description": "The owner (admins only); the caller when absent."},
        "rpm": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 1000000,
            "description": "The key's own requests a minute instead of `limits.key_rpm`; above the server's limit only for admins.",
        },
        "tpm": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 1000000000,
            "description": "The key's own tokens a minute instead of `limits.key_tpm`; above the server's limit only for admins.",
        },
        "budget": {"anyOf": [REF("KeyBudget"), {"type": "null"}]},
    },
    description="Any other field is ignored.",
)

schemas["KeyBudget"] = obj(
    {
        "cost": {"type": ["number", "null"], "minimum": 0, "description": "USD per period, from the configured prices."},
        "tokens": {"type": ["integer", "null"], "minimum": 0, "description": "Prompt plus completion tokens per period."},
        "period": {"type": ["string", "null"], "enum": ["day", "month", None], "description": "UTC; `month` when absent."},
    },
    description="A budget every answer asked with the key counts against; a cost or tokens (or both) must be given.",
)

schemas["APIKey"] = obj(
    {
        "id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
        "prefix": {"type": "string", "description": "`cbk_<id>_…`: names the key without its secret."},
        "user": {"type": "string", "description": "The owner's name."},
        "name": STR,
        "scopes": {"type": "array", "items": REF("Scope")},
        "created_at": DATE,
        "expires_at": DATE,
        "revoked_at": DATE,
        "last_used_at": DATE,
        "rpm": {"type": "integer", "description": "The key's own requests a minute, when it has one."},
        "tpm": {"type": "integer", "description": "The key's own tokens a minute, when it has one."},
        "budget": REF("KeyBudget"),
        "key": {
            "type": "string",
            "pattern": "^cbk_[0-9a-f]{16}_[0-9a-f]{64}$",
            "description": "The whole key: only in the answer that created it.",
        },
    },
    ["id", "prefix", "user", "name", "scopes", "created_at"],
    description="An API key; timestamps that do not apply are absent.",
)

schemas["CreatedAPIKey"] = {"allOf": [REF("APIKey"), {"type": "object", "required": ["key"]}]}

schemas["APIKeyList"] = obj({"data": {"type": "array", "items": REF("APIKey")}}, ["data"])

schemas["AuditEntry"] = obj(
    {
        "id": INT,
        "at": DATE,
        "actor": {"type": "string", "description": "The acting user's name, when a user acted."},
        "action": {"type": "string", "examples": ["user.created", "api_key.revoked", "login.failed"]},
        "target": STR,
        "detail": {"type": "object", "additionalProperties": {"type": "string"}},
        "ip": STR,
    },
    ["id", "at", "action", "detail"],
)

schemas["AuditList"] = obj(
    {"data": {"type": "array", "items": REF("AuditEntry")}},
    ["data"],
    description="The newest entries, oldest first.",
)

USAGE_COUNTS = {
    "answers": INT,
    "prompt_tokens": INT,
    "completion_tokens": INT,
    "cost": {"type": "number", "description": "USD at the configured prices; answers without a price count 0."},
}
schemas["UsageGroup"] = obj(
    {
        "id": {"type": ["string", "null"], "description": "The key's or user's id; null for answers without a key (asks)."},
        "name": {"type": "string", "description": "The key's prefix and name, or the user's name."},
        **USAGE_COUNTS,
    },
    ["id", "name", "answers", "prompt_tokens", "completion_tokens", "cost"],
)
schemas["BudgetStatus"] = obj(
    {
        "scope": {"type": "string", "enum": ["key", "user"]},
        "name": {"type": "string", "description": "The key's or the user's name."},
        "period": {"type": "string", "enum": ["day", "month"], "description": "Calendar periods in UTC."},
        "cost_limit": {"type": ["number", "null"], "description": "USD per period, if limited."},
        "token_limit": {"type": ["integer", "null"], "description": "Tokens per period, if limited."},
        "spent_cost": {"type": "number"},
        "spent_tokens": INT,
        "remaining_cost": {"type": ["number", "null"]},
        "remaining_tokens": {"type": ["integer", "null"]},
        "exhausted": {"type": "boolean", "description": "Requests are refused (429 `budget-exceeded`) until it renews."},
        "period_start": DATE,
        "resets_at": DATE,
    },
    ["scope", "name", "period", "spent_cost", "spent_tokens", "exhausted", "period_start", "resets_at"],
)
schemas["UsageReport"] = obj(
    {
        "from": DATE,
        "to": DATE,
        "user": {"type": ["string", "null"], "description": "Whose answers; null with `all=true` (everyone's)."},
        "total": obj(USAGE_COUNTS, list(USAGE_COUNTS)),
        "models": {
            "type": "array",
            "items": obj({"provider": STR, "model": STR, **USAGE_COUNTS}, ["provider", "model", *USAGE_COUNTS]),
        },
        "keys": {"type": "array", "items": REF("UsageGroup"), "description": "Per API key (one user's report)."},
        "users": {"type": "array", "items": REF("UsageGroup"), "description": "Per user (`all=true`)."},
        "budgets": {
            "type": "array",
            "items": REF("BudgetStatus"),
            "description": "The budgets that apply: the caller's key's and its own (another user's own for an admin).",
        },
    },
    ["total", "models"],
    description="Every answer counts: asks (for the owner of their conversation, without a key) and "
    "`/v1/chat/completions` (for the key and its user), failed and cut-off ones with what they used.",
)

# Collections

schemas["CollectionVisibility"] = {
    "type": "string",
    "enum": ["private", "shared"],
    "description": "`private`: its owner and admins; `shared`: every user reads and searches it (only its owner "
    "or an admin changes it).",
}

schemas["Collection"] = obj(
    {
        "name": STR,
        "visibility": REF("CollectionVisibility"),
        "owner": {"type": "boolean", "description": "Whether the collection is the caller's."},
        "documents": {"type": "integer", "minimum": 0},
        "chunks": {"type": "integer", "minimum": 0},
        "vectors": {"type": "integer", "minimum": 0, "description": "Chunks with an embedding."},
        "bytes": {"type": "integer", "minimum": 0, "description": "The documents' size."},
        "created_at": DATE,
        "updated_at": DATE,
        "sources": {
            "type": "array",
            "items": REF("CollectionDocument"),
            "description": "Only when one collection is read.",
        },
    },
    ["name", "visibility", "owner", "documents", "chunks", "vectors", "bytes", "created_at", "updated_at"],
    description="A collection of documents and its counts.",
)

schemas["CollectionDocument"] = obj(
    {
        "id": STR,
        "source": {"type": "string", "description": "Where the document came from: a path or URL."},
        "title": {"type": "string", "description": "Absent when the document has none."},
        "format": {"type": "string", "examples": ["markdown", "pdf"]},
        "bytes": {"type": "integer", "minimum": 0},
        "chunks": {"type": "integer", "minimum": 0},
        "updated_at": DATE,
    },
    ["id", "source", "format", "bytes", "chunks", "updated_at"],
)

schemas["CollectionWithDocuments"] = {
    "allOf": [REF("Collection"), {"type": "object", "required": ["sources"]}],
    "description": "A collection with its documents.",
}

schemas["CollectionList"] = obj(
    {"data": {"type": "array", "items": REF("Collection")}},
    ["data"],
    description="The collections the caller may read (their own, the shared ones; all for an admin), by name.",
)

schemas["NewCollection"] = obj(
    {
        "name": {
            "type": "string",
            "examples": ["manuals"],
            "description": "1 to 128 letters, digits, `-`, `_` or `.`, not starting with `.`; names are shared by "
            "every user (a taken one is a 409).",
        },
        "visibility": {
            "type": ["string", "null"],
            "enum": ["private", "shared", None],
            "description": "`private` when absent.",
        },
    },
    ["name"],
    description="Any other field is ignored.",
)

schemas["CollectionChange"] = obj(
    {"visibility": REF("CollectionVisibility")},
    ["visibility"],
    description="Any other field is ignored.",
)

schemas["ChunkHit"] = obj(
    {
        "collection": STR,
        "rank": {"type": "integer", "minimum": 1, "description": "The chunk's rank in its collection."},
        "score": {"type": "number", "description": "Higher is better."},
        "citation": STR,
        "source": STR,
        "title": STR,
        "text": STR,
        "document_id": STR,
        "chunk_id": STR,
    },
    ["collection", "rank", "score", "citation", "source", "text", "document_id", "chunk_id"],
)

schemas["ChunkSearchPage"] = obj(
    {
        "query": {"type": "string", "description": "`q`, trimmed."},
        "data": {"type": "array", "items": REF("ChunkHit"), "description": "By rank, then score."},
        "warnings": {
            "type": "array",
            "items": STR,
            "description": "`<collection>: <why>` for a collection searched less well than usual.",
        },
    },
    ["query", "data", "warnings"],
)

# OpenAI-compatible

schemas["Model"] = obj(
    {
        "id": STR,
        "object": {"type": "string", "enum": ["model"]},
        "created": INT,
        "owned_by": STR,
    },
    ["id", "object", "created", "owned_by"],
)
schemas["ModelList"] = obj(
    {"object": {"type": "string", "enum": ["list"]}, "data": {"type": "array", "items": REF("Model")}},
    ["object", "data"],
)

schemas["ChatContentPart"] = obj(
    {"type": {"type": "string", "description": "Only `text` parts count."}, "text": {"type": ["string", "null"]}},
    ["type"],
)

schemas["ChatMessage"] = obj(
    {
        "role": {"type": "string", "enum": ["system", "developer", "user", "assistant"]},
        "content": {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": REF("ChatContentPart")},
                {"type": "null"},
            ]
        },
    },
    ["role"],
)

schemas["ChatCompletionRequest"] = obj(
    {
        "model": {"type": ["string", "null"], "examples": ["local"]},
        "messages": {"type": "array", "items": REF("ChatMessage"), "minItems": 1},
        "stream": {"type": ["boolean", "null"]},
        "temperature": {"type": ["number", "null"]},
        "max_tokens": {"type": ["integer", "null"], "minimum": 1},
        "max_completion_tokens": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Wins over `max_tokens` when both are given.",
        },
        "seed": {"type": ["integer", "null"]},
        "stream_options": {
            "oneOf": [obj({"include_usage": {"type": ["boolean", "null"]}}), {"type": "null"}]
        },
    },
    ["messages"],
    description="Other OpenAI fields are accepted and ignored.",
)

schemas["Usage"] = obj(
    {"prompt_tokens": INT, "completion_tokens": INT, "total_tokens": INT},
    ["prompt_tokens", "completion_tokens", "total_tokens"],
)

schemas["ChatCompletion"] = obj(
    {
        "id": {"type": "string", "pattern": "^chatcmpl-[0-9a-f]{32}$"},
        "object": {"type": "string", "enum": ["chat.completion"]},
        "created": INT,
        "model": {"type": "string", "description": "The model as requested."},
        "choices": {
            "type": "array",
            "minItems": 1,
            "items": obj(
                {
                    "index": INT,
                    "message": obj(
                        {"role": {"type": "string", "enum": ["assistant"]}, "content": STR},
                        ["role", "content"],
                    ),
                    "finish_reason": STR,
                },
                ["index", "message", "finish_reason"],
            ),
        },
        "usage": REF("Usage"),
    },
    ["id", "object", "created", "model", "choices"],
)

schemas["ChatCompletionChunk"] = obj(
    {
        "id": {"type": "string", "pattern": "^chatcmpl-[0-9a-f]{32}$"},
        "object": {"const": "chat.completion.chunk"},
        "created": INT,
        "model": STR,
        "choices": {
            "type": "array",
            "description": "Empty in the last chunk when `stream_options.include_usage` is set.",
            "items": obj(
                {
                    "index": INT,
                    "delta": obj({"role": {"const": "assistant"}, "content": STR}),
                    "finish_reason": {"type": ["string", "null"]},
                },
                ["index", "delta", "finish_reason"],
            ),
        },
        "usage": REF("Usage"),
    },
    ["id", "object", "created", "model", "choices"],
)

schemas["ChatCompletionStreamEvent"] = {
    "type": "object",
    "description": "One event of a streamed completion (this schema describes each event): `data` is a "
    "`chat.completion.chunk`, an `error` object when the completion failed midway, or `[DONE]` at the end.",
    "properties": {
        "event": {"const": "message"},
        "data": {
            "type": "string",
            "if": {"const": "[DONE]"},
            "then": True,
            "else": json_data(
                {
                    "oneOf": [
                        REF("ChatCompletionChunk"),
                        obj(
                            {
                                "error": obj(
                                    {"message": STR, "type": STR, "code": {"type": ["string", "null"]}},
                                    ["message", "type", "code"],
                                )
                            },
                            ["error"],
                        ),
                    ]
                }
            ),
        },
    },
    "required": ["data"],
}

schemas["EmbeddingRequest"] = obj(
    {
        "model": {"type": ["string", "null"]},
        "input": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "maxItems": 256},
            ],
            "description": "1 to 256 non-empty texts of at most 32 KiB (UTF-8) each.",
        },
    },
    ["input"],
)

schemas["EmbeddingList"] = obj(
    {
        "object": {"type": "string", "enum": ["list"]},
        "data": {
            "type": "array",
            "items": obj(
                {
                    "object": {"type": "string", "enum": ["embedding"]},
                    "index": INT,
                    "embedding": {"type": "array", "items": NUM},
                },
                ["object", "index", "embedding"],
            ),
        },
        "model": STR,
        "usage": obj(
            {"prompt_tokens": INT, "total_tokens": INT},
            ["prompt_tokens", "total_tokens"],
        ),
    },
    ["object", "data", "model", "usage"],
)



def tiny_wav(samples=256):
    """32 ms of near-silence as an 8 kHz 8-bit WAV whose every byte is ASCII, so it fits a JSON string
    and goes out byte for byte: the one upload in the document that FFmpeg reads (schemathesis'
    examples phase sends it, so the transcription's 200 answers get checked too)."""
    header = b"RIFF" + struct.pack("<I", 36 + samples) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 8000, 8000, 1, 8) + b"data" + struct.pack("<I", samples)
    wav = header + bytes([0x7F]) * samples
    assert all(byte < 0x80 for byte in wav)
    return wav.decode("ascii")


schemas["TranscriptionRequest"] = obj(
    {
        "file": {
            "type": "string",
            "format": "binary",
            "contentMediaType": "application/octet-stream",
            "description": "The recording: any audio or video FFmpeg reads (WAV, MP3, M4A/AAC, FLAC, OGG/Opus, MP4, "
            "MKV, WebM, MOV), up to 25 MB. Empty or unreadable: 400.",
            "examples": [tiny_wav()],
        },
        "model": {"type": "string", "description": "Accepted and ignored: the configured speech model answers."},
        "language": {"type": "string", "description": "The spoken language (ISO-639-1); its first 16 characters."},
        "prompt": {"type": "string", "description": "Text to steer the transcript; its first 2000 characters."},
        "response_format": {
            "type": "string",
            "enum": ["json", "text", "srt", "vtt", "verbose_json"],
            "description": "`json` when absent.",
        },
    },
    ["file"],
    description="Form fields other than `file` are at most 4 KiB each; other fields are ignored.",
)

schemas["Transcription"] = obj({"text": STR}, ["text"], description="`response_format` `json`.")

schemas["VerboseTranscription"] = obj(
    {
        "task": {"const": "transcribe"},
        "text": STR,
        "language": STR,
        "duration": {"type": "number", "description": "Seconds."},
        "segments": {
            "type": "array",
            "items": obj(
                {"id": INT, "start": NUM, "end": NUM, "text": STR},
                ["id", "start", "end", "text"],
            ),
        },
    },
    ["task", "text", "segments"],
    description="`response_format` `verbose_json`.",
)

# Background jobs, and the uploads that queue them

schemas["JobStatus"] = {
    "type": "string",
    "enum": ["queued", "running", "succeeded", "failed", "cancelled", "dead"],
    "description": "`queued` (also while a retry waits out its backoff), `running`, then one of the ends: "
    "`succeeded`, `failed` (an error another attempt cannot fix), `cancelled`, or `dead` (out of attempts).",
}

schemas["JobProgress"] = obj(
    {
        "done": {"type": "integer", "description": "Units done (sources, chunks, seconds of audio)."},
        "total": {"type": "integer", "description": "Units in all, when known."},
        "message": {"type": "string", "description": "What it is doing now, for people."},
    },
    ["done"],
    description="The handler's last progress report.",
)

schemas["Job"] = obj(
    {
        "id": {**UUID, "description": "A lowercase UUID."},
        "kind": {
            "type": "string",
            "examples": ["ingest.upload", "ingest.url", "ingest.paths", "transcribe"],
            "description": "Which handler runs it: `ingest.upload` (an uploaded document), `ingest.url` (a page or a "
            "crawl), `ingest.paths` (`chatbot ingest --queue`), `transcribe` (an uploaded recording).",
        },
        "status": REF("JobStatus"),
        "owner_id": {"type": "string", "description": "The id of the user it belongs to."},
        "attempts": {"type": "integer", "minimum": 0, "description": "Attempts started so far."},
        "max_attempts": {"type": "integer", "minimum": 1, "description": "Attempts before it is `dead`."},
        "run_at": {**DATE, "description": "The earliest time it runs (later while a retry backs off)."},
        "cancel_requested": {
            "type": "boolean",
            "description": "A cancel was asked for while it ran: it ends `cancelled` at its handler's next checkpoint.",
        },
        "worker": {"type": "string", "description": "The worker holding its lease while it runs (host:pid:id)."},
        "progress": REF("JobProgress"),
        "payload": {
            "type": "object",
            "description": "The job's input, by kind (e.g. `ingest.upload`: `collection`, `filename`, `object`; "
            "`ingest.url`: `collection`, `url`, `depth`, `max_pages`, `same_path_prefix`; `transcribe`: "
            "`filename`, `format`, `language`, `object`).",
        },
        "result": {
            "description": "What it gave back once it succeeded: JSON, by kind (an ingest: `collection`, `items` "
            "and `embedded`; `transcribe`: `transcript`, `text`, `format`, `language`, `duration`, `object`).",
        },
        "error": {
            "type": "string",
            "description": "The last error: kept through retries, and in `failed` and `dead` jobs.",
        },
        "created_at": DATE,
        "updated_at": DATE,
        "finished_at": {**DATE, "description": "When it reached its end."},
    },
    [
        "id", "kind", "status", "owner_id", "attempts", "max_attempts", "run_at", "cancel_requested", "payload",
        "created_at", "updated_at",
    ],
    description="A background job. Fields that do not apply are absent (never null).",
)

schemas["JobPage"] = obj(
    {
        "data": {"type": "array", "items": REF("Job"), "description": "Newest first."},
        "next_cursor": {
            "type": "string",
            "description": "Present when there are more: pass it as `cursor` for the next page.",
        },
    },
    ["data"],
    description="The caller's jobs (everyone's for an admin), newest first.",
)

schemas["JobEvent"] = {
    "description": "One server-sent event of a job (this schema describes each event, as `{event, id, data}`). "
    "The id counts the events from 1. A comment line every 15 s keeps a quiet stream open.",
    "oneOf": [
        sse_event(
            "job",
            REF("Job"),
            "The job as it is now: first when the stream opens, then each time it changes, while it has not ended.",
        ),
        sse_event(
            "done",
            REF("Job"),
            "The job as it ended (the first and only event when it had already ended); the stream closes.",
        ),
    ],
}

UPLOAD_TEXT = "# Notes\n\nThe boat is painted every spring.\n"

schemas["DocumentUpload"] = obj(
    {
        "file": {
            "type": "string",
            "format": "binary",
            "contentMediaType": "application/octet-stream",
            "description": "The document (Markdown, text, HTML, PDF, Office, OpenDocument, EPUB, or audio and video "
            "to transcribe), named by the part's `filename` unless `?filename=` is given.",
            "examples": [UPLOAD_TEXT],
        },
    },
    ["file"],
    description="The first part named `file` is the document; other fields are at most 4 KiB each and ignored.",
)

schemas["IngestURLRequest"] = obj(
    {
        "url": {
            "type": "string",
            "examples": ["http://127.0.0.1:9/handbook.html"],
            "description": "An absolute http(s) URL of at most 2048 bytes. It is fetched through the SSRF guard: "
            "private, loopback and link-local addresses are refused (the job fails) unless `serve --fetch-allow` "
            "names their `host:port`. (The example is refused so: Scripts/check-openapi sends it, and nothing "
            "leaves the machine.)",
        },
        "depth": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 5,
            "description": "Links followed from the page: 0 (the default) is the page alone.",
        },
        "max_pages": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 1000,
            "description": "The most pages fetched; when absent, 1 for `depth` 0, else 50.",
        },
        "same_path_prefix": {
            "type": ["boolean", "null"],
            "description": "Follow only links under the URL's directory (else anywhere on its host); false when "
            "absent.",
        },
    },
    ["url"],
    description="Any other field is ignored.",
)

schemas["TranscriptionJobRequest"] = obj(
    {
        "format": {
            "type": "string",
            "enum": ["txt", "srt", "vtt", "json"],
            "description": "The transcript's format; `txt` when absent. The query's `format` wins.",
        },
        "language": {
            "type": "string",
            "description": "The spoken language (ISO 639-1); its first 16 characters. The query's `language` wins.",
        },
        "file": {
            "type": "string",
            "format": "binary",
            "contentMediaType": "application/octet-stream",
            "description": "The recording: audio or video (WAV, MP3, M4A/AAC, FLAC, OGG/Opus, MP4, MKV, WebM, MOV), "
            "named by the part's `filename` unless `?filename=` is given.",
            "examples": [tiny_wav()],
        },
    },
    ["file"],
    description="Only the fields before the `file` part count; each is at most 4 KiB.",
)

# ---------------------------------------------------------------- shared responses

responses = {
    "BadRequest": problem("The request is malformed or names something invalid."),
    "Unauthenticated": problem(
        "No credential, or one that does not verify: the same answer whatever the reason.",
        {"WWW-Authenticate": HREF("WWW-Authenticate")},
    ),
    "Forbidden": problem("The credential does not allow this (a missing scope or role)."),
    "NotFound": problem("No such resource visible to the caller."),
    "Conflict": problem("The request conflicts with stored state."),
    "TooLarge": problem("The request body is over 1 MiB."),
    "ServerError": problem("An unexpected failure; the detail never says more than that."),
    "Unavailable": problem("A service the request needs (model server, database) does not answer."),
    "Interrupted": problem("The answer was cancelled before it produced any text."),
    "RateLimited": problem(
        "A rate limit is used up: requests per minute of the API key, of the user, or of a client address "
        "without a valid credential (`limits:` in the configuration); or a budget is (`budget-exceeded`: the key's "
        "or the user's cost or tokens of the day or month), refused before any model was asked, with "
        "`Retry-After` until it renews.",
        {"Retry-After": HREF("Retry-After"), "RateLimit-Policy": HREF("RateLimit-Policy"), "RateLimit": HREF("RateLimit")},
    ),
    "V1BadRequest": openai_error("The request is malformed or names an unknown model."),
    "V1Unauthenticated": openai_error(
        "No credential, or one that does not verify (`code`: `invalid_api_key`).",
        {"WWW-Authenticate": HREF("WWW-Authenticate")},
    ),
    "V1Forbidden": openai_error("The credential lacks the `chat` scope."),
    "V1TooLarge": openai_error("The request body is over 1 MiB."),
    "V1ServerError": openai_error("An unexpected failure, or the model server failed."),
    "V1Unavailable": openai_error("The model or embedding server does not answer, or none is configured."),
    "V1RateLimited": openai_error(
        "A rate limit is used up (`code`: `rate_limit_exceeded`); the OpenAI SDKs wait `Retry-After` and retry. "
        "An exhausted budget is `insufficient_quota` (`type` and `code`) with `x-should-retry: false`.",
        {"Retry-After": HREF("Retry-After"), "RateLimit-Policy": HREF("RateLimit-Policy"), "RateLimit": HREF("RateLimit")},
    ),
}

headers = {
    "X-Request-Id": {
        "description": "The request's id: the client's `X-Request-Id` when it is 1–128 of `A-Z a-z 0-9 - _ . :`, "
        "else a new UUID. On every response.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
    },
    "X-Content-Type-Options": {
        "description": "On every response.",
        "required": True,
        "schema": {"type": "string", "enum": ["nosniff"]},
    },
    "Cache-Control": {
        "description": "`no-store` unless a route says otherwise.",
        "required": True,
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "required": True,
        "schema": {"type": "string", "pattern": "^Bearer "},
    },
    "Set-Cookie": {
        "description": "The refresh token as `chatbot_refresh` (HttpOnly, SameSite=Strict, Path=/api/auth).",
        "required": True,
        "schema": {"type": "string", "pattern": "^chatbot_refresh="},
    },
    "Retry-After": {
        "description": "Seconds until the request may be tried again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "RateLimit-Policy": {
        "description": "The limits that apply (IETF httpapi ratelimit-headers draft): `\"key\";q=600;w=60` — "
        "600 requests per 60 s for the API key; `user` and `ip` likewise, `key-tpm` in tokens. Absent when the "
        "refusal is a budget's or the concurrent streams'.",
        "schema": {"type": "string", "pattern": "^\"(key|user|ip|key-tpm)\";q=[0-9]+;w=[0-9]+"},
    },
    "RateLimit": {
        "description": "Where the request stands under each limit: `\"key\";r=0;t=60` — 0 requests left at once, "
        "all back in 60 s.",
        "schema": {"type": "string", "pattern": "^\"(key|user|ip|key-tpm)\";r=[0-9]+;t=[0-9]+"},
    },
    "Upgrade": {"required": True, "schema": {"type": "string", "enum": ["websocket"]}},
    "Connection": {"required": True, "schema": {"type": "string", "pattern": "^[Uu]pgrade$"}},
    "Sec-WebSocket-Accept": {
        "description": "The handshake's answer to `Sec-WebSocket-Key` (RFC 6455).",
        "required": True,
        "schema": STR,
    },
    "Location": {
        "description": "Where the job is: `/api/jobs/{id}`.",
        "required": True,
        "schema": {"type": "string", "pattern": "^/api/jobs/[0-9a-f-]+$"},
    },
    "Content-Disposition": {
        "required": True,
        "schema": {"type": "string", "pattern": "^attachment; filename=\"conversation-[0-9a-f-]{36}\\.json\"$"},
    },
}

parameters = {
    "CollectionName": {
        "name": "name",
        "in": "path",
        "required": True,
        "description": "A collection's name. One the caller may not read is 404, as one that does not exist.",
        "schema": {"type": "string", "examples": ["handbook"]},
    },
    "ConversationID": {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "A conversation id (a lowercase UUID). Another user's conversation is 404.",
        "schema": UUID,
    },
    "MessageID": {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "An assistant message id (the `message_id` of an answer). Another user's is 404.",
        "schema": UUID,
    },
    "JobID": {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "A job id (a lowercase UUID). Another user's job is 404 (an admin sees every job).",
        "schema": UUID,
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "1 to 255 visible ASCII characters (else 400). A request repeated with a key the caller "
        "used before answers that first job (202) instead of queuing another, whatever its body.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    },
    "UploadContentDisposition": {
        "name": "Content-Disposition",
        "in": "header",
        "required": False,
        "description": "For a raw body without `?filename=`: `attachment; filename=\"report.pdf\"` names the file.",
        "schema": STR,
    },
    "UserName": {
        "name": "name",
        "in": "path",
        "required": True,
        "description": "A user's login name (case-insensitive).",
        "schema": STR,
    },
    "RefreshCookie": {
        "name": "chatbot_refresh",
        "in": "cookie",
        "required": False,
        "description": "The refresh token set by login and refresh; used only when the body has none, and only "
        "from a same-origin request (`Origin` naming the host, or `Sec-Fetch-Site: same-origin`).",
        "schema": STR,
    },
}

# ---------------------------------------------------------------- operations

OPEN = []  # security: []


def op(operation_id, summary, tags, responses_, description=None, params=None, body=None, security=None):
    out = {"operationId": operation_id, "summary": summary, "tags": tags}
    if description:
        out["description"] = description
    if params:
        out["parameters"] = params
    if body:
        out["requestBody"] = body
    out["responses"] = responses_
    if security is not None:
        out["security"] = security
    return out


def body(schema_name, required=True, description=None):
    out = {"required": required, "content": {"application/json": {"schema": REF(schema_name)}}}
    if description:
        out["description"] = description
    return out


AUTH_ERRORS = {"401": RREF("Unauthenticated"), "429": RREF("RateLimited"), "500": RREF("ServerError")}
V1_ERRORS = {
    "401": RREF("V1Unauthenticated"),
    "403": RREF("V1Forbidden"),
    "429": RREF("V1RateLimited"),
    "500": RREF("V1ServerError"),
}

paths = {}

paths["/healthz"] = {
    "get": op(
        "health",
        "The process answers",
        ["health"],
        {"200": response("Alive.", json_content(REF("Health")))},
        security=OPEN,
    )
}
paths["/openapi.json"] = {
    "get": op(
        "openapi",
        "This document",
        ["health"],
        {"200": response("The OpenAPI 3.1 document of /api and /v1.", json_content({"type": "object"}))},
        security=OPEN,
    )
}
# The chat page: static files compiled into the binary, served without credentials.
for page_path, page_type, page_summary in [
    ("/", "text/html", "The chat page"),
    ("/app.js", "text/javascript", "The chat page's script (an ES module)"),
    ("/markdown.js", "text/javascript", "The chat page's Markdown renderer (an ES module)"),
    ("/app.css", "text/css", "The chat page's style sheet"),
]:
    paths[page_path] = {
        "get": op(
            "page" + (page_path.replace("/", "_").replace(".", "_") if page_path != "/" else ""),
            page_summary,
            ["page"],
            {"200": response("The file; revalidated on each load (no-cache).", {page_type: {"schema": {"type": "string"}}})},
            security=OPEN,
        )
    }
paths["/readyz"] = {
    "get": op(
        "ready",
        "The database and the object store answer too",
        ["health"],
        {
            "200": response("Ready.", json_content(REF("Health"))),
            "503": problem("Not ready: the detail names the part (database, object store) that did not answer in 5 s."),
        },
        security=OPEN,
    )
}

token_headers = {"Set-Cookie": HREF("Set-Cookie")}
paths["/api/auth/login"] = {
    "post": op(
        "login",
        "Log in with a name and password",
        ["auth"],
        {
            "200": response(
                "An access token and a refresh token (also set as a cookie).",
                json_content(REF("TokenResponse")),
                token_headers,
            ),
            "400": RREF("BadRequest"),
            "401": problem(
                "Invalid credentials: the same answer for an unknown user, a wrong password and a disabled account."
            ),
            "413": RREF("TooLarge"),
            "429": problem(
                "Too many failed logins for this account name (5) or client address (20) within a minute, or "
                "the client address's rate limit (`limits.ip_rpm`) is used up.",
                {"Retry-After": HREF("Retry-After")},
            ),
            "500": RREF("ServerError"),
        },
        body=body("LoginRequest"),
        security=OPEN,
    )
}
refresh_body = body(
    "RefreshRequest",
    required=False,
    description="Optional: without a body (or without a token in it) the `chatbot_refresh` cookie is used.",
)
paths["/api/auth/refresh"] = {
    "post": op(
        "refresh",
        "Exchange a refresh token for a new pair",
        ["auth"],
        {
            "200": response("A new pair; the refresh token presented is spent.", json_content(REF("TokenResponse")), token_headers),
            "400": RREF("BadRequest"),
            "401": problem("No refresh token, or an unknown, expired, revoked or reused one (reuse revokes its family)."),
            "403": problem("A refresh by cookie from another origin."),
            "413": RREF("TooLarge"),
            "429": RREF("RateLimited"),
            "500": RREF("ServerError"),
        },
        params=[PREF("RefreshCookie")],
        body=refresh_body,
        security=OPEN,
    )
}
paths["/api/auth/logout"] = {
    "post": op(
        "logout",
        "End the refresh token's family",
        ["auth"],
        {
            "204": response("Logged out (also for an unknown token); the cookie is cleared.", None, token_headers),
            "400": RREF("BadRequest"),
            "401": problem("No refresh token in the body or the cookie."),
            "403": problem("A logout by cookie from another origin."),
            "413": RREF("TooLarge"),
            "429": RREF("RateLimited"),
            "500": RREF("ServerError"),
        },
        params=[PREF("RefreshCookie")],
        body=refresh_body,
        security=OPEN,
    )
}
paths["/api/auth/me"] = {
    "get": op(
        "me",
        "The caller",
        ["auth"],
        {"200": response("The user the credential acts for.", json_content(REF("User"))), **AUTH_ERRORS},
    )
}

ask_errors = {
    "400": problem(
        "Malformed body, a blank message, `max_tokens` outside 1 to 2^20, `top` outside 1 to 50, an unknown model, "
        "a collection the caller may not read (or that does not exist: one answer), or a request the model refused."
    ),
    **AUTH_ERRORS,
    "403": RREF("Forbidden"),
    "413": RREF("TooLarge"),
    "499": RREF("Interrupted"),
    "503": RREF("Unavailable"),
}
ask_description = (
    "With `Accept: text/event-stream` the answer streams as server-sent events: `conversation` "
    "(`{\"conversation\": Conversation, \"message_id\"}`), then, when the question names a `collection`, "
    "`sources` (`{\"collection\", \"sources\", \"warning\"?}`), `delta` (`{\"text\"}`) for each piece, `error` "
    "(`{\"type\", \"status\", \"detail\"}`) if it failed, and `done` (an AnswerSummary). Each event's id is the "
    "length of the answer so far in UTF-8 bytes. Otherwise the whole answer comes as JSON once it ends (with "
    "`collection` and `sources` when a collection was named). The answer runs on in the server if the client goes "
    "away. Requires the `chat` scope, and `documents:read` for a `collection`; a collection the caller may not "
    "read is a 400, like one that does not exist (a 404 here would mean the conversation)."
)

paths["/api/conversations"] = {
    "get": op(
        "listConversations",
        "List or search the caller's conversations",
        ["conversations"],
        {
            "200": response(
                "A page of conversations, or (with `q`) the matching messages.",
                json_content({"anyOf": [REF("ConversationPage"), REF("SearchPage")]}),
            ),
            "400": problem("A cursor this server did not give, or a search text over 500 bytes."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
        },
        description="Newest first. Requires the `chat` scope.",
        params=[
            {
                "name": "limit",
                "in": "query",
                "description": "Page size, clamped to 1…100 (default 20); a value that is not an integer is ignored.",
                "schema": INT,
            },
            {"name": "cursor", "in": "query", "description": "`next_cursor` of the previous page.", "schema": STR},
            {
                "name": "q",
                "in": "query",
                "description": "Full-text search over message text (at most 500 bytes); answers SearchPage.",
                "schema": STR,
            },
        ],
    ),
    "post": op(
        "askNewConversation",
        "Ask in a new conversation",
        ["conversations"],
        {
            "201": response("The answer (JSON).", json_content(REF("AskResult"))),
            "200": response("The answer's events (with `Accept: text/event-stream`).", SSE),
            **ask_errors,
        },
        description=ask_description,
        body=body("AskRequest"),
    ),
}
paths["/api/conversations/{id}"] = {
    "parameters": [PREF("ConversationID")],
    "get": op(
        "getConversation",
        "A conversation with its messages",
        ["conversations"],
        {
            "200": response("The conversation.", json_content(REF("ConversationWithMessages"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
        },
    ),
    "patch": op(
        "renameConversation",
        "Rename a conversation",
        ["conversations"],
        {
            "200": response("The renamed conversation (without its messages).", json_content(REF("Conversation"))),
            "400": problem("Malformed body, or a title that is not 1 to 200 characters once trimmed."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "413": RREF("TooLarge"),
        },
        body=body("RenameRequest"),
    ),
    "delete": op(
        "deleteConversation",
        "Delete a conversation",
        ["conversations"],
        {
            "204": response("Deleted."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
        },
    ),
}
paths["/api/conversations/{id}/messages"] = {
    "parameters": [PREF("ConversationID")],
    "post": op(
        "askInConversation",
        "Ask the next question of a conversation",
        ["conversations"],
        {
            "200": response(
                "The answer: JSON, or its events with `Accept: text/event-stream`.",
                {**json_content(REF("AskResult")), **SSE},
            ),
            **ask_errors,
            "404": problem("No such conversation of the caller's."),
        },
        description=ask_description,
        body=body("AskRequest"),
    ),
}
paths["/api/conversations/{id}/export"] = {
    "parameters": [PREF("ConversationID")],
    "get": op(
        "exportConversation",
        "A conversation as a JSON attachment",
        ["conversations"],
        {
            "200": response(
                "The conversation with its messages, as an attachment.",
                json_content(REF("ConversationWithMessages")),
                {"Content-Disposition": HREF("Content-Disposition")},
            ),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
        },
    ),
}
paths["/api/messages/{id}/events"] = {
    "parameters": [PREF("MessageID")],
    "get": op(
        "messageEvents",
        "Follow an answer's events",
        ["messages"],
        {
            "200": response("The answer's events (as for an ask), until it ends.", SSE),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
        },
        description="On any replica. With `Last-Event-ID`, only the text after that many UTF-8 bytes (and no "
        "`conversation` event). Requires the `chat` scope.",
        params=[
            {
                "name": "Last-Event-ID",
                "in": "header",
                "description": "The id of the last event received: bytes of answer text the client has. "
                "Not an integer: treated as 0.",
                "schema": STR,
            }
        ],
    ),
}
paths["/api/messages/{id}/cancel"] = {
    "parameters": [PREF("MessageID")],
    "post": op(
        "cancelMessage",
        "Stop a running answer",
        ["messages"],
        {
            "202": response("The answer is being stopped; it is kept as `interrupted`.", json_content(REF("CancelAccepted"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "409": problem("The answer has already ended."),
        },
        description="Requires the `chat` scope.",
    ),
}

paths["/api/collections"] = {
    "get": op(
        "listCollections",
        "The collections the caller may read",
        ["collections"],
        {
            "200": response("Collections, by name.", json_content(REF("CollectionList"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "503": RREF("Unavailable"),
        },
        description="Their own, the shared ones, and (for an admin) every one. Requires the `documents:read` scope.",
    ),
    "post": op(
        "createCollection",
        "Create an empty collection",
        ["collections"],
        {
            "201": response("The new collection, owned by the caller.", json_content(REF("Collection"))),
            "400": problem("Malformed body, an invalid name or an unknown visibility."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "409": problem("A collection of that name exists (names are shared by every user)."),
            "413": RREF("TooLarge"),
            "503": RREF("Unavailable"),
        },
        description="Requires the `documents:write` scope (members and admins).",
        body=body("NewCollection"),
    ),
}
paths["/api/collections/{name}"] = {
    "parameters": [PREF("CollectionName")],
    "get": op(
        "getCollection",
        "A collection with its documents",
        ["collections"],
        {
            "200": response("The collection.", json_content(REF("CollectionWithDocuments"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "503": RREF("Unavailable"),
        },
        description="Requires the `documents:read` scope.",
    ),
    "patch": op(
        "changeCollection",
        "Change a collection's visibility",
        ["collections"],
        {
            "200": response("The collection as it is now (without its documents).", json_content(REF("Collection"))),
            "400": problem("Malformed body or an unknown visibility."),
            **AUTH_ERRORS,
            "403": problem("A missing scope, or a shared collection that is not the caller's."),
            "404": RREF("NotFound"),
            "413": RREF("TooLarge"),
            "503": RREF("Unavailable"),
        },
        description="Its owner or an admin. Requires the `documents:write` scope.",
        body=body("CollectionChange"),
    ),
    "delete": op(
        "deleteCollection",
        "Delete a collection",
        ["collections"],
        {
            "204": response("Deleted, with its documents, chunks and the originals nothing else uses."),
            **AUTH_ERRORS,
            "403": problem("A missing scope, or a shared collection that is not the caller's."),
            "404": RREF("NotFound"),
            "503": problem("An ingest into the collection is running (try again), or the store does not answer."),
        },
        description="Its owner or an admin. Requires the `documents:write` scope.",
    ),
}
paths["/api/search"] = {
    "get": op(
        "searchCollections",
        "Search the collections the caller may read",
        ["collections"],
        {
            "200": response("The best chunks, merged by rank, then score.", json_content(REF("ChunkSearchPage"))),
            "400": problem("No `q` (or a blank one), or one over 2000 bytes."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": problem("A `collection` that does not exist or that the caller may not read."),
            "503": RREF("Unavailable"),
        },
        description="Each collection is searched on its own (hybrid when it has vectors, else full text). "
        "Requires the `documents:read` scope.",
        params=[
            {
                "name": "q",
                "in": "query",
                "required": True,
                "description": "What to search for (trimmed; at most 2000 bytes).",
                "schema": {"type": "string", "examples": ["lamp"]},
            },
            {
                "name": "collection",
                "in": "query",
                "description": "Only these collections (repeatable); every one the caller may read when absent.",
                "style": "form",
                "explode": True,
                "schema": {"type": "array", "items": {"type": "string", "examples": ["handbook"]}},
            },
            {
                "name": "limit",
                "in": "query",
                "description": "How many chunks, clamped to 1…50 (default 10); a value that is not an integer is "
                "ignored.",
                "schema": INT,
            },
        ],
    ),
}


def filename_param(example):
    return {
        "name": "filename",
        "in": "query",
        "description": "The file's name, which wins over the form part's `filename` and `Content-Disposition`'s: a "
        "plain name of at most 255 bytes (no `/`, `\\`, control characters or leading `.`). Its extension says what "
        "the content must be (415 when it is not).",
        "schema": {"type": "string", "examples": [example]},
    }


def upload_body(multipart_schema, example, description):
    return {
        "required": True,
        "description": description,
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary", "examples": [example]}},
            "multipart/form-data": {
                "schema": REF(multipart_schema),
                "encoding": {"file": {"contentType": "application/octet-stream"}},
            },
        },
    }


def job_accepted():
    return response(
        "Queued (or, with an `Idempotency-Key` used before, the first job): the job, at `Location`.",
        json_content(REF("Job")),
        {"Location": HREF("Location")},
    )


upload_errors = {
    "413": problem("The file is over the upload limit (`serve --max-upload`, 100 MB by default); nothing is kept."),
    "415": problem(
        "The content contradicts the file's name (a `.pdf` that is not a PDF, an Office file that is not a ZIP, a "
        "text format that is not text, a media file that is not audio or video), or a file with no known extension "
        "is binary data of an unknown kind."
    ),
    "503": problem("The object store or the database does not answer."),
}
raw_or_form = (
    "The file is the raw body (any `Content-Type` but `multipart/form-data`), named by `?filename=` or a "
    "`Content-Disposition` header, or the `file` part of a `multipart/form-data` form, named by its `filename`."
)

paths["/api/collections/{name}/documents"] = {
    "parameters": [PREF("CollectionName")],
    "post": op(
        "uploadDocument",
        "Upload a document into a collection (a background job)",
        ["collections"],
        {
            "202": job_accepted(),
            "400": problem(
                "No file name or one that is not a plain name, an empty file, a form without a `file` part, a "
                "malformed or cut-off body, a form field over 4 KiB, an invalid collection name, or a bad "
                "`Idempotency-Key`."
            ),
            **AUTH_ERRORS,
            "403": problem(
                "A missing scope, or a collection the caller may read but not change (shared, not theirs)."
            ),
            "404": problem("A collection the caller may not read (one that does not exist is created)."),
            **upload_errors,
        },
        description="The file is streamed into the object store (hashed and measured on the way) after its first "
        "bytes were checked against its name; an `ingest.upload` job then adds it to the collection, which is "
        "created (the caller's, private) when it does not exist. " + raw_or_form + " Its owner or an admin. "
        "Requires the `documents:write` scope.",
        params=[filename_param("notes.md"), PREF("UploadContentDisposition"), PREF("IdempotencyKey")],
        body=upload_body("DocumentUpload", UPLOAD_TEXT, "The document: raw, or as a form's `file` part."),
    ),
}
paths["/api/collections/{name}/urls"] = {
    "parameters": [PREF("CollectionName")],
    "post": op(
        "ingestURL",
        "Add a web page, or a crawl from it, to a collection (a background job)",
        ["collections"],
        {
            "202": job_accepted(),
            "400": problem(
                "Malformed body, a `url` that is not an absolute http(s) URL of at most 2048 bytes, `depth` outside "
                "0 to 5 or `max_pages` outside 1 to 1000, an invalid collection name, or a bad `Idempotency-Key`."
            ),
            **AUTH_ERRORS,
            "403": problem(
                "A missing scope, or a collection the caller may read but not change (shared, not theirs)."
            ),
            "404": problem("A collection the caller may not read (one that does not exist is created)."),
            "413": RREF("TooLarge"),
            "503": RREF("Unavailable"),
        },
        description="An `ingest.url` job fetches the page (and, with `depth`, the pages it links to) through the "
        "SSRF guard and adds them to the collection, which is created (the caller's, private) when it does not "
        "exist. Its owner or an admin. Requires the `documents:write` scope.",
        params=[PREF("IdempotencyKey")],
        body=body("IngestURLRequest"),
    ),
}
paths["/api/transcriptions"] = {
    "post": op(
        "createTranscriptionJob",
        "Transcribe a recording (a background job)",
        ["jobs"],
        {
            "202": job_accepted(),
            "400": problem(
                "No file name or one that is not a plain name, an empty file, a form without a `file` part, a "
                "malformed or cut-off body, a form field over 4 KiB, an unknown `format`, or a bad `Idempotency-Key`."
            ),
            **AUTH_ERRORS,
            "403": problem("The credential has neither the `jobs` nor the `chat` scope."),
            **upload_errors,
            "415": problem("The file is not audio or video (whatever its name)."),
        },
        description="The recording is streamed into the object store; a `transcribe` job runs it through the same "
        "speech service as `chatbot transcribe` and keeps the transcript in its `result`. " + raw_or_form
        + " `format` and `language` come from the query or, in a form, from fields before the `file` part. "
        "Requires the `jobs` or the `chat` scope.",
        params=[
            filename_param("silence.wav"),
            {
                "name": "format",
                "in": "query",
                "description": "The transcript's format; `txt` when absent (wins over the form's field).",
                "schema": {"type": "string", "enum": ["txt", "srt", "vtt", "json"]},
            },
            {
                "name": "language",
                "in": "query",
                "description": "The spoken language (ISO 639-1); its first 16 characters (wins over the form's field).",
                "schema": STR,
            },
            PREF("UploadContentDisposition"),
            PREF("IdempotencyKey"),
        ],
        body=upload_body("TranscriptionJobRequest", tiny_wav(), "The recording: raw, or as a form's `file` part."),
    ),
}

jobs_note = (
    "Requires the `jobs`, `documents:write` or `chat` scope; an admin sees every user's jobs, others their own "
    "(another user's job is 404)."
)
paths["/api/jobs"] = {
    "get": op(
        "listJobs",
        "The caller's background jobs",
        ["jobs"],
        {
            "200": response("A page of jobs, newest first.", json_content(REF("JobPage"))),
            "400": problem("An unknown `status`."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "503": RREF("Unavailable"),
        },
        description=jobs_note,
        params=[
            {
                "name": "status",
                "in": "query",
                "description": "Only jobs in this status (another value is a 400).",
                "schema": REF("JobStatus"),
            },
            {
                "name": "kind",
                "in": "query",
                "description": "Only jobs of this kind (its first 64 characters; empty: any).",
                "schema": {"type": "string", "examples": ["ingest.upload"]},
            },
            {
                "name": "limit",
                "in": "query",
                "description": "Page size, clamped to 1…200 (default 50); a value that is not an integer is ignored.",
                "schema": INT,
            },
            {
                "name": "cursor",
                "in": "query",
                "description": "`next_cursor` of the previous page (an unknown one is ignored).",
                "schema": STR,
            },
        ],
    ),
}
paths["/api/jobs/{id}"] = {
    "parameters": [PREF("JobID")],
    "get": op(
        "getJob",
        "A background job",
        ["jobs"],
        {
            "200": response("The job.", json_content(REF("Job"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "503": RREF("Unavailable"),
        },
        description=jobs_note,
    ),
}
paths["/api/jobs/{id}/events"] = {
    "parameters": [PREF("JobID")],
    "get": op(
        "jobEvents",
        "Follow a job's progress",
        ["jobs"],
        {
            "200": response(
                "The job's events until it ends: `job` (the job) at once and at each change, then `done` (the job "
                "as it ended).",
                {"text/event-stream": {"schema": REF("JobEvent")}},
            ),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "503": RREF("Unavailable"),
        },
        description="Server-sent events, on any replica (they come from the database, whichever process runs the "
        "job); a job that has already ended is one `done` event. " + jobs_note,
    ),
}
paths["/api/jobs/{id}/cancel"] = {
    "parameters": [PREF("JobID")],
    "post": op(
        "cancelJob",
        "Cancel a background job",
        ["jobs"],
        {
            "200": response(
                "The job: `cancelled` when it was queued; a running one has `cancel_requested` and ends `cancelled` "
                "at its next checkpoint.",
                json_content(REF("Job")),
            ),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "409": problem("The job has already ended."),
            "503": RREF("Unavailable"),
        },
        description=jobs_note,
    ),
}
paths["/api/jobs/{id}/retry"] = {
    "parameters": [PREF("JobID")],
    "post": op(
        "retryJob",
        "Run a failed, dead or cancelled job again",
        ["jobs"],
        {
            "200": response("The job, queued again from its first attempt.", json_content(REF("Job"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "409": problem(
                "The job is queued, running or succeeded: only `failed`, `dead` or `cancelled` jobs are retried."
            ),
            "503": RREF("Unavailable"),
        },
        description=jobs_note,
    ),
}

admin_note = "Admins only (an admin's credential with the `admin` scope)."
paths["/api/users"] = {
    "get": op(
        "listUsers",
        "Every user",
        ["users"],
        {"200": response("Users, by name.", json_content(REF("UserList"))), **AUTH_ERRORS, "403": RREF("Forbidden")},
        description=admin_note,
    ),
    "post": op(
        "addUser",
        "Add a user",
        ["users"],
        {
            "201": response("The new user.", json_content(REF("User"))),
            "400": problem("Malformed body, or an invalid name, e-mail address, role or password."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "409": problem("A user of that name exists."),
            "413": RREF("TooLarge"),
        },
        description=admin_note,
        body=body("NewUser"),
    ),
}
paths["/api/users/{name}"] = {
    "parameters": [PREF("UserName")],
    "get": op(
        "getUser",
        "A user",
        ["users"],
        {
            "200": response("The user.", json_content(REF("User"))),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
        },
        description=admin_note,
    ),
    "patch": op(
        "changeUser",
        "Change a user's role or status",
        ["users"],
        {
            "200": response("The user as it is now.", json_content(REF("User"))),
            "400": problem("Malformed body or an unknown role."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "409": problem("It would leave no enabled admin."),
            "413": RREF("TooLarge"),
        },
        description=admin_note + " A change of role or status revokes the user's tokens.",
        body=body("UserChange"),
    ),
    "delete": op(
        "deleteUser",
        "Delete a user",
        ["users"],
        {
            "204": response("Deleted, with its refresh tokens and API keys."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "409": problem("The command line's own user, or the last enabled admin."),
        },
        description=admin_note,
    ),
}
paths["/api/users/{name}/password"] = {
    "parameters": [PREF("UserName")],
    "post": op(
        "setPassword",
        "Set a user's password",
        ["users"],
        {
            "204": response("Changed; the user's tokens are revoked."),
            "400": problem("Malformed body, or a password outside 10 to 128 characters."),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
            "413": RREF("TooLarge"),
        },
        description=admin_note,
        body=body("PasswordChange"),
    ),
}

paths["/metrics"] = {
    "get": op(
        "metrics",
        "Prometheus metrics",
        ["operations"],
        {
            "200": response(
                "The Prometheus text exposition (format 0.0.4): `chatbot_http_requests_total{route,method,status}`, "
                "`chatbot_http_request_duration_seconds{route,method}` (a histogram), "
                "`chatbot_http_server_errors_total{route}`, `chatbot_tokens_total{model,kind}` and the gauges "
                "`chatbot_open_event_streams` and `chatbot_open_websockets`.",
                {"text/plain": {"schema": {"type": "string"}}},
            ),
            **AUTH_ERRORS,
            "403": problem("Not an admin, or a credential without the `admin` scope."),
        },
        description=admin_note + " With `serve --metrics-port`, this route is served instead without credentials on "
        "a loopback listener of its own (and not on the main port).",
    ),
}

ws_description = """A WebSocket carrying asks, cancels and subscriptions for several answers at once, for the web \
page and other long-lived clients. A request that is no upgrade handshake (a plain GET, or \
`Sec-WebSocket-Key` without `Upgrade: websocket`) answers 426.

**Handshake.** An RFC 6455 upgrade (`Upgrade: websocket`, `Connection: Upgrade`, `Sec-WebSocket-Key`, \
`Sec-WebSocket-Version: 13`) answers 101. No credential goes in the URL or headers: it is the first message. A \
browser's `Origin` must be this server's own (the `Host` it called) or one of `serve --cors-origin`; any other \
(`null` included) is refused before the upgrade (400 without a body; 403 problem to a non-upgrade request).

**Messages** are JSON text frames of at most 64 KiB, each an object with a `type`.

Client to server:
- `{"type":"auth","token":"…"}`: first, within 5 seconds (an access token or a `cbk_` key), else the socket is \
closed with 1008; a refused credential closes it with 1008 too.
- `{"type":"ask","ref"?,"conversation_id"?,"message","model"?,"system"?,"temperature"?,"max_tokens"?,\
"collection"?,"top"?}`: as `POST /api/conversations` (or `/api/conversations/{id}/messages` with \
`conversation_id`); its events follow as `event` messages with the `ref`.
- `{"type":"subscribe","message_id","last_event_id"?,"ref"?}`: an answer's events (the rest of them after \
`last_event_id` bytes), from any replica, as `GET /api/messages/{id}/events`.
- `{"type":"unsubscribe","message_id"}`; `{"type":"cancel","message_id","ref"?}` (as \
`POST /api/messages/{id}/cancel`); `{"type":"ping","ref"?}`.

Server to client:
- `{"type":"ready","user":{"id","name"}}` after `auth`;
- `{"type":"event","message_id","ref"?,"event","id","data"}`: one event of an answer, as the SSE stream carries \
it (`conversation`, `sources`, `delta`, `error`, `done`; `id` is the byte offset, `data` the event's JSON);
- `{"type":"cancelled","message_id","ref"?}`, `{"type":"pong","ref"?}`;
- `{"type":"error","status","detail","ref"?}`: a refused message (a status as the HTTP route would answer); \
the socket stays open.

The credential is checked again on every message (a disabled user or a revoked key is closed out with 1008). \
Up to 16 answers run per socket; the server pings every 30 s and drops a client that stops answering; a client \
that lets over 4,096 messages queue is closed (1008). Closing the socket never stops an answer."""

paths["/api/ws"] = {
    "get": op(
        "webSocket",
        "The WebSocket (auth in the first message)",
        ["websocket"],
        {
            "101": {
                "description": "Upgraded: the socket is open; authenticate with the first message.",
                "headers": {
                    "Upgrade": HREF("Upgrade"),
                    "Connection": HREF("Connection"),
                    "Sec-WebSocket-Accept": HREF("Sec-WebSocket-Accept"),
                    "X-Request-Id": HREF("X-Request-Id"),
                },
            },
            "400": {"description": "An upgrade from a browser origin that is not allowed: no body, the connection closes."},
            "403": problem("A request with `Sec-WebSocket-Key` but no upgrade, from an origin that is not allowed."),
            "426": problem(
                "No upgrade handshake (a plain GET, or `Sec-WebSocket-Key` without `Upgrade: websocket`): "
                "this route is a WebSocket.",
                {"Upgrade": HREF("Upgrade")},
            ),
            "500": RREF("ServerError"),
        },
        description=ws_description,
        security=OPEN,
    ),
}

paths["/api/keys"] = {
    "get": op(
        "listKeys",
        "API keys",
        ["keys"],
        {
            "200": response("Keys, newest first; never a secret.", json_content(REF("APIKeyList"))),
            **AUTH_ERRORS,
            "403": problem("Another user's keys, asked by a non-admin."),
            "404": problem("No user of that name."),
        },
        description="One's own keys; an admin's credential with the `admin` scope sees everyone's (or `user`'s).",
        params=[{"name": "user", "in": "query", "description": "Only this user's keys.", "schema": STR}],
    ),
    "post": op(
        "createKey",
        "Create an API key",
        ["keys"],
        {
            "201": response("The key, with its secret (`key`) shown this once.", json_content(REF("CreatedAPIKey"))),
            "400": problem(
                "Malformed body, an unknown scope, a bad name, an expiry outside 1 to 3650 days, limits out of range "
                "or a budget without an amount."
            ),
            **AUTH_ERRORS,
            "403": problem(
                "A scope beyond the owner's role, a key for another user, or limits above the server's, by a non-admin."
            ),
            "404": problem("No user of that name."),
            "409": problem("The owner is disabled."),
            "413": RREF("TooLarge"),
        },
        body=body("NewKey"),
    ),
}
paths["/api/keys/{id}"] = {
    "delete": op(
        "revokeKey",
        "Revoke an API key",
        ["keys"],
        {
            "200": response("The revoked key (revoking a revoked key changes nothing).", json_content(REF("APIKey"))),
            **AUTH_ERRORS,
            "404": problem("No such key, or another user's key for a non-admin."),
        },
        params=[
            {
                "name": "id",
                "in": "path",
                "required": True,
                "description": "The key's id, its prefix `cbk_<id>_…`, or the whole key.",
                "schema": STR,
            }
        ],
    ),
}
paths["/api/audit"] = {
    "get": op(
        "audit",
        "The audit log",
        ["audit"],
        {"200": response("Entries.", json_content(REF("AuditList"))), **AUTH_ERRORS, "403": RREF("Forbidden")},
        description=admin_note,
        params=[
            {
                "name": "since",
                "in": "query",
                "description": "Only entries at or after this ISO 8601 time; a value that does not parse is ignored.",
                "schema": DATE,
            },
            {
                "name": "limit",
                "in": "query",
                "description": "How many of the newest entries, clamped to 1…1000 (default 100).",
                "schema": INT,
            },
        ],
    ),
}

paths["/api/usage"] = {
    "get": op(
        "usage",
        "Tokens and cost of answers over a period",
        ["usage"],
        {
            "200": response("The caller's usage (or one user's, or everyone's per user).", json_content(REF("UsageReport"))),
            "400": RREF("BadRequest"),
            **AUTH_ERRORS,
            "403": RREF("Forbidden"),
            "404": RREF("NotFound"),
        },
        description="The caller's own answers per model and per API key. Admins may name another user "
        "(`user`) or ask for everyone's per user (`all=true`); others get 403 for either.",
        params=[
            {
                "name": "since",
                "in": "query",
                "description": "From this day (YYYY-MM-DD, UTC) or ISO 8601 time, inclusive.",
                "schema": STR,
            },
            {
                "name": "until",
                "in": "query",
                "description": "Until this day (YYYY-MM-DD, UTC) or ISO 8601 time, exclusive.",
                "schema": STR,
            },
            {"name": "user", "in": "query", "description": "A user's name (admins).", "schema": STR},
            {"name": "all", "in": "query", "description": "`true`: everyone's, per user (admins).", "schema": BOOL},
        ],
    ),
}

paths["/v1/models"] = {
    "get": op(
        "listModels",
        "The configured default model, its fallbacks and every alias",
        ["openai"],
        {"200": response("Models.", json_content(REF("ModelList"))), **V1_ERRORS},
        description="Requires the `chat` scope.",
    ),
}
paths["/v1/chat/completions"] = {
    "post": op(
        "createChatCompletion",
        "A chat completion (OpenAI-compatible)",
        ["openai"],
        {
            "200": response(
                "The completion; with `stream: true`, `chat.completion.chunk` events (`data: {...}`) ending in "
                "`data: [DONE]`; a failure midway is a last chunk holding an `error` object.",
                {**json_content(REF("ChatCompletion")), **V1_SSE},
            ),
            "400": openai_error("Malformed body, empty `messages`, an unsupported role, a token limit below 1, or an unknown model."),
            **V1_ERRORS,
            "413": RREF("V1TooLarge"),
            "503": RREF("V1Unavailable"),
        },
        description="Stateless: the client sends the whole conversation. Requires the `chat` scope.",
        body=body("ChatCompletionRequest"),
    ),
}
paths["/v1/embeddings"] = {
    "post": op(
        "createEmbeddings",
        "Embeddings through the configured embedder (OpenAI-compatible)",
        ["openai"],
        {
            "200": response("One vector per input, in order.", json_content(REF("EmbeddingList"))),
            "400": openai_error("Malformed body, or not 1 to 256 non-empty texts of at most 32 KiB."),
            **V1_ERRORS,
            "413": RREF("V1TooLarge"),
            "503": RREF("V1Unavailable"),
        },
        description="Requires the `chat` scope.",
        body=body("EmbeddingRequest"),
    ),
}

paths["/v1/audio/transcriptions"] = {
    "post": op(
        "createTranscription",
        "Transcribe a recording (OpenAI-compatible)",
        ["openai"],
        {
            "200": response(
                "The transcript, as `response_format` asks: `json` `{\"text\"}`, `text`, `srt`, `vtt` or "
                "`verbose_json` (with segments).",
                {
                    "application/json": {
                        "schema": {"anyOf": [REF("Transcription"), REF("VerboseTranscription")]}
                    },
                    "text/plain": {"schema": {"type": "string"}},
                    "application/x-subrip": {"schema": {"type": "string"}},
                    "text/vtt": {"schema": {"type": "string"}},
                },
            ),
            "400": openai_error(
                "Not multipart/form-data, no `file` (or an empty one), a file FFmpeg cannot read, an unknown "
                "`response_format`, a form field over 4 KiB, or a malformed form."
            ),
            **V1_ERRORS,
            "413": openai_error("The upload is over 25 MB."),
            "503": RREF("V1Unavailable"),
        },
        description="Through the same speech service (windows, retries, transcript cache) as `chatbot transcribe`. "
        "Requires the `chat` scope.",
        body={
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": REF("TranscriptionRequest"),
                    "encoding": {"file": {"contentType": "application/octet-stream"}},
                }
            },
        },
    ),
}

# In the document: health and metrics, then /api by feature, then /v1 (each group as defined above).
PATH_ORDER = ["/healthz", "/readyz", "/openapi.json", "/metrics", "/api/auth", "/api/conversations", "/api/messages", "/api/ws",
              "/api/collections", "/api/search", "/api/transcriptions", "/api/jobs", "/api/users", "/api/keys", "/api/audit",
              "/api/usage", "/v1", "/"]
paths = dict(sorted(paths.items(), key=lambda item: next(i for i, p in enumerate(PATH_ORDER) if item[0].startswith(p))))

# ---------------------------------------------------------------- links (for stateful testing)


def links(response_object, **named):
    response_object["links"] = {
        name: {"operationId": target, "parameters": {param: expression}} for name, (target, param, expression) in named.items()
    }


conversation_links = dict(
    GetConversation=("getConversation", "id", "$response.body#/conversation_id"),
    RenameConversation=("renameConversation", "id", "$response.body#/conversation_id"),
    ExportConversation=("exportConversation", "id", "$response.body#/conversation_id"),
    AskInConversation=("askInConversation", "id", "$response.body#/conversation_id"),
    DeleteConversation=("deleteConversation", "id", "$response.body#/conversation_id"),
    FollowAnswer=("messageEvents", "id", "$response.body#/result/message_id"),
    CancelAnswer=("cancelMessage", "id", "$response.body#/result/message_id"),
)
links(paths["/api/conversations"]["post"]["responses"]["201"], **conversation_links)
links(paths["/api/conversations/{id}/messages"]["post"]["responses"]["200"], **conversation_links)
links(
    paths["/api/users"]["post"]["responses"]["201"],
    GetUser=("getUser", "name", "$response.body#/name"),
    ChangeUser=("changeUser", "name", "$response.body#/name"),
    SetPassword=("setPassword", "name", "$response.body#/name"),
    DeleteUser=("deleteUser", "name", "$response.body#/name"),
)
links(paths["/api/keys"]["post"]["responses"]["201"], RevokeKey=("revokeKey", "id", "$response.body#/id"))
job_links = dict(
    GetJob=("getJob", "id", "$response.body#/id"),
    FollowJob=("jobEvents", "id", "$response.body#/id"),
    CancelJob=("cancelJob", "id", "$response.body#/id"),
    RetryJob=("retryJob", "id", "$response.body#/id"),
)
for path in ["/api/collections/{name}/documents", "/api/collections/{name}/urls", "/api/transcriptions"]:
    accepted = paths[path]["post"]["responses"]["202"]
    links(accepted, **job_links)
    if "{name}" in path:
        accepted["links"]["GetCollection"] = {
            "operationId": "getCollection",
            "parameters": {"name": "$request.path.name"},
        }
links(
    paths["/api/collections"]["post"]["responses"]["201"],
    GetCollection=("getCollection", "name", "$response.body#/name"),
    ChangeCollection=("changeCollection", "name", "$response.body#/name"),
    DeleteCollection=("deleteCollection", "name", "$response.body#/name"),
)

document = {
    "openapi": "3.1.0",
    "info": {
        "title": "chatbot API",
        "version": "1.0.0",
        "description": (
            "The HTTP API of `chatbot serve`: accounts, conversations with streamed answers (also over the "
            "`/api/ws` WebSocket), document collections and their search, Prometheus `/metrics`, and "
            "OpenAI-compatible `/v1` routes (chat completions, embeddings, transcriptions). Uploads, URL "
            "ingests and transcriptions run as background jobs, followed under `/api/jobs`.\n\n"
            "Bodies are JSON with snake_case keys; times are ISO 8601 (UTC). Request bodies may carry other "
            "fields, which are ignored. In responses, a field that does not apply is absent unless the schema "
            "says it may be null.\n\n"
            "Errors under `/api` (and the health and metrics routes) are RFC 9457 `application/problem+json` documents "
            "(`type`, `title`, `status`, `detail`, `request_id`); under `/v1` they have OpenAI's "
            "`{\"error\": {\"message\", \"type\", \"param\", \"code\"}}` shape. Every response carries "
            "`X-Request-Id` and security headers (`Content-Security-Policy`, `X-Content-Type-Options: nosniff`, "
            "`Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, `Cross-Origin-Opener-Policy: same-origin`) and, unless a route says otherwise, "
            "`Cache-Control: no-store`."
        ),
    },
    "servers": [{"url": "http://127.0.0.1:8080", "description": "`chatbot serve` with its defaults"}],
    "security": [{"bearer": []}],
    "tags": [
        {"name": "page"},
        {"name": "health"},
        {"name": "auth"},
        {"name": "conversations"},
        {"name": "messages"},
        {"name": "users"},
        {"name": "keys"},
        {"name": "audit"},
        {"name": "usage"},
        {"name": "collections"},
        {"name": "jobs"},
        {"name": "websocket"},
        {"name": "operations"},
        {"name": "openai"},
    ],
    "paths": paths,
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT access token, or a cbk_… API key",
                "description": "`Authorization: Bearer <access token>` from `/api/auth/login`, or "
                "`Bearer cbk_<id>_<secret>` (an API key). Anything wrong with it is the same 401 with "
                "`WWW-Authenticate: Bearer realm=\"chatbot\"`.",
            }
        },
        "schemas": schemas,
        "responses": responses,
        "headers": headers,
        "parameters": parameters,
    },
}

# Non-ASCII text stays readable; DEL (in the example WAV) is escaped like the other control characters.
sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False).replace("\x7f", "\\u007f") + "\n")
