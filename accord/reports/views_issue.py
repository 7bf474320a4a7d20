"""(stub: the pages come next)"""

from typing import Any


def issue_page(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def commentary(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def refresh(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def retry(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def publish(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def revise(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def download(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
