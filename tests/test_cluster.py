import pytest

from watcher.cluster import find_story, same_story
from watcher.normalize import story_key


@pytest.mark.parametrize("a,b,same", [
    ("Lightmatter raises $400 million at $4.4 billion valuation",
     "UPDATE 1-Lightmatter raises $400 million at $4.4 billion valuation", True),
    ("Groq raises $640 million in Series D led by BlackRock",
     "Groq raises $640 million in Series D, led by BlackRock", True),
    ("Groq raises $640 million in Series D led by BlackRock, valued at $2.8 billion",
     "Groq raises $640 million in Series D led by BlackRock, valued at $2.8bn", True),  # small edit
    ("Groq raises $640 million", "Cerebras raises $640 million", False),
    ("d-Matrix raises $275 million at $2 billion valuation",
     "d-Matrix valued at $2 billion in $275 million funding round", False),  # another headline
    ("Etched raises", "Etched raised", False),  # too short to call similar
    ("摩尔线程完成新一轮融资", "摩尔线程完成新一轮融资!", True),
])
def test_same_story(a, b, same):
    assert same_story(story_key(a), story_key(b)) is same


def test_find_story_needs_a_shared_company():
    key = story_key("Acme raises $10 million in seed round led by Foo")
    cands = [(1, key, {"Other"}), (2, key, {"Acme"})]
    assert find_story(key, {"Acme"}, cands) == 2
    assert find_story(key, {"Nobody"}, cands) is None


def test_different_numbers_are_different_stories():
    assert not same_story(story_key("Groq to acquire firm number 1 in chip deal"),
                          story_key("Groq to acquire firm number 2 in chip deal"))


def test_labels_with_figures_keep_stories_apart():
    assert not same_story(story_key("Groq raises $100 million in Series B round (a0)"),
                          story_key("Groq raises $100 million in Series B round (b0)"))
