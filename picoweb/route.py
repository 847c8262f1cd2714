# Flask-style variable parts in routes: "/item/<id>", "/item/<int:id>", "/f/<path:p>".
# Imported only by apps whose routes use them.


class Rule:
    def __init__(self, url):
        # Segments: a str to match exactly, or (name, converter) for a variable part.
        self.url = url
        self.segs = []
        for s in url.split("/"):
            if s[:1] == "<" and s[-1:] == ">":
                kind, _, name = s[1:-1].rpartition(":")
                if kind not in ("", "string", "int", "path"):
                    raise ValueError("unknown converter in route: " + url)
                s = (name, kind)
            self.segs.append(s)

    def match(self, path):
        """{name: value} when path matches, else None."""
        parts = path.split("/")
        segs = self.segs
        params = {}
        for i, s in enumerate(segs):
            if i >= len(parts):
                return None
            p = parts[i]
            if type(s) is str:
                if s != p:
                    return None
                continue
            name, kind = s
            if kind == "path":
                if i != len(segs) - 1:
                    raise ValueError("<path:> must end the route: " + self.url)
                params[name] = "/".join(parts[i:])
                return params if params[name] else None
            if not p:
                return None
            if kind == "int":
                if not p.encode().isdigit():  # ASCII digits only: CPython's str.isdigit() takes "²", "١٢"
                    return None
                p = int(p)
            else:
                from .utils import unquote

                p = unquote(p)
            params[name] = p
        return params if len(parts) == len(segs) else None

    def __repr__(self):
        return "Rule(%r)" % self.url
