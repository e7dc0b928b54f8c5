"""The registry of Python flows and small helpers shared by the flow modules."""
import collections

REGISTRY = collections.OrderedDict()


class Flow:
    def __init__(self, fid, fn, library, own_process):
        self.id = fid
        self.fn = fn
        self.library = library
        self.own_process = own_process


def flow(fid, library, own_process=False):
    """Registers a flow; library is a callable giving 'name version' (imports stay lazy)."""
    def deco(fn):
        if fid in REGISTRY:
            raise ValueError(f"flow {fid} defined twice")
        REGISTRY[fid] = Flow(fid, fn, library, own_process)
        return fn
    return deco


def conninfo(db):
    return f"host={db['host']} port={db['port']} dbname={db['dbname']} user={db['user']} password={db['password']} sslmode=disable"


def url(db, scheme="postgresql"):
    from urllib.parse import quote
    return f"{scheme}://{quote(db['user'])}:{quote(db['password'])}@{db['host']}:{db['port']}/{quote(db['dbname'])}"


def eq(actual, expected, what=""):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}" if what else f"expected {expected!r}, got {actual!r}")


def version(mod):
    import importlib.metadata
    return importlib.metadata.version(mod)
