"""The /saddles page's model (``session.SaddleSession``)."""
