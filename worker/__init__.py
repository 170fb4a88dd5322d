"""article-worker: streaming enrichment of crawled news articles."""

PIPELINE_VERSION = "0.1.0"
