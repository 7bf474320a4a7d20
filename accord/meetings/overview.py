"""What meetings add to the home page and a relationship's overview (the pages part fills this)."""

from accord.meetings import overview_topics  # noqa: F401  (the topic log's tab and audit rule)
