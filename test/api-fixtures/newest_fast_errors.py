# The failure classes of the newest Locust's FastHttpUser, copied verbatim so that their reprs can
# be checked on this machine's Python (Debian ships geventhttpclient 2.0.8 and Locust 2.12.1):
# ConnectionError and RetriesExceeded from geventhttpclient 2.3.8 (src/geventhttpclient/useragent.py,
# commit 231947d; MIT License, see its LICENSE-MIT)
# and LocustBadStatusCode from Locust (locust/contrib/fasthttp.py at 407343d0; MIT License).


class ConnectionError(Exception):
    def __init__(self, url, *args, **kw):
        self.url = url
        self.__dict__.update(kw)
        if args and isinstance(args[0], str):
            self.text = args[0] + ": " + str(args[1:])
        else:
            self.text = str(args[0]) if len(args) == 1 else ""
        if kw:
            self.text += ", " if self.text else ""
            self.kw_text = ", ".join(f"{key}={val}" for key, val in kw.items())
            self.text += self.kw_text
        else:
            self.text = ""

    def __str__(self):
        if self.text:
            return f"URL {self.url}: {self.text}"
        else:
            return f"URL {self.url}"

    def __repr__(self):
        repr_str = super().__repr__()
        if self.kw_text:
            return repr_str.replace(")", "".join([", ", self.kw_text, ")"]))
        return repr_str



class RetriesExceeded(ConnectionError):
    pass


class LocustBadStatusCode(ConnectionError):
    def __repr__(self):
        repr_str = super().__repr__()
        if self.kw_text:
            return repr_str.replace(repr(self.url) + ", ", "")
        return repr_str
