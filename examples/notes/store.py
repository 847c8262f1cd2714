# Where the notes live on the board's filesystem: a btree database where the firmware has
# the btree module (ESP8266, ESP32), else one small file per note. Either way a note is read
# only when it is shown (the list page too reads the titles one by one, as it renders them),
# so the heap holds one note at a time, not all of them.
try:
    import os
except ImportError:  # Pycopy has only the u-named modules
    import uos as os


class Store:
    def title(self, i):
        # the title of note i ("" if it is gone): the list page reads them one at a time
        n = self.get(i)
        return n[0] if n else ""


class FileStore(Store):
    # notes/<id>: the title on the first line, the text after it.
    def __init__(self, path="notes"):
        self.path = path
        try:
            os.mkdir(path)
        except OSError:
            pass

    def ids(self):
        return sorted(int(f) for f in os.listdir(self.path) if f.isdigit())

    def get(self, i):
        try:
            with open("%s/%d" % (self.path, i)) as f:
                title = f.readline().rstrip("\n")
                return title, f.read()
        except OSError:
            return None

    def put(self, i, title, text):
        with open("%s/%d" % (self.path, i), "w") as f:
            f.write(title.replace("\n", " ") + "\n" + text)

    def delete(self, i):
        try:
            os.remove("%s/%d" % (self.path, i))
        except OSError:
            pass


class BtreeStore(Store):
    # notes.db: keys are zero-padded ids, values "title\ntext" (UTF-8).
    def __init__(self, path="notes.db"):
        import btree

        try:
            self.f = open(path, "r+b")
        except OSError:
            self.f = open(path, "w+b")
        self.db = btree.open(self.f)

    def ids(self):
        return [int(k) for k in self.db.keys()]

    def get(self, i):
        v = self.db.get(b"%08d" % i)
        if v is None:
            return None
        title, _, text = v.decode().partition("\n")
        return title, text

    def put(self, i, title, text):
        self.db[b"%08d" % i] = (title.replace("\n", " ") + "\n" + text).encode()
        self.db.flush()

    def delete(self, i):
        try:
            del self.db[b"%08d" % i]
            self.db.flush()
        except KeyError:
            pass


def open_store():
    try:
        return BtreeStore()
    except ImportError:  # no btree in this firmware (the unix port, CPython)
        return FileStore()
