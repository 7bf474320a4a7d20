"""(stub: the pages come next)"""

from typing import Any


def definition_list(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def definition_new(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def definition_detail(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def definition_edit(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


def generate(request: Any, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError
