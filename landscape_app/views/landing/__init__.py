"""The landing page at ``/``: a gallery of the pages and the lecture stories."""
