from worker.identity import article_id, content_hash, normalise_url, site_of


def test_cosmetic_variants_share_one_id() -> None:
    variants = [
        "https://www.example.org/news/story-1",
        "HTTPS://Example.org/news/story-1/",
        "https://example.org:443/news/story-1?utm_source=feed&utm_medium=rss",
        "https://example.org/news/story-1#comments",
        "https://example.org/news/story-1?fbclid=abc",
    ]
    assert {article_id(url) for url in variants} == {article_id(variants[0])}
    assert normalise_url(variants[1]) == "https://example.org/news/story-1"


def test_meaningful_differences_keep_ids_apart() -> None:
    base = "https://example.org/news?id=1&page=2"
    assert article_id(base) == article_id("https://example.org/news?page=2&id=1")
    assert article_id(base) != article_id("https://example.org/news?id=2&page=2")
    assert article_id("http://example.org:8080/a") != article_id("http://example.org/a")
    assert article_id("https://example.org/a") != article_id("https://example.org/b")


def test_site_and_content_hash() -> None:
    assert site_of("https://www.dawn.com/news/1") == "dawn.com"
    assert content_hash("T", "body") == content_hash("T", "body")
    assert content_hash("T", "body") != content_hash(None, "body")
