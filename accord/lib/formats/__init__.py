"""Accord's own date formats where Django's differ from what its pages have always shown (English);
the other languages use Django's (``FORMAT_MODULE_PATH``)."""
