"""Django 5.2 with its postgresql backend (psycopg 3): settings configured in-process, a small app written to a
temporary directory (FK, JSONField, an index, unique_together), makemigrations/migrate, ORM CRUD and JSONField
lookups, contrib.auth, loaddata of a fixture with a forward reference, inspectdb and `migrate app zero`. Django configures itself once per process, so every
flow runs in a process of its own (own_process=True)."""
import atexit
import io
import os
import shutil
import sys
import tempfile

from ecoflow import eq, flow, version


def lib():
    return "Django " + version("Django") + " + psycopg " + version("psycopg")


MODELS = '''
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    joined = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["name"], name="author_name_idx")]


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=200)
    edition = models.IntegerField(default=1)
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("author", "title", "edition")]
        ordering = ["id"]
'''


def setup(db):
    """Writes the app `ecoapp` to a temporary directory, configures Django against db and runs django.setup()."""
    import django
    from django.conf import settings
    tmp = tempfile.mkdtemp(prefix="eco-django-")
    atexit.register(shutil.rmtree, tmp, True)  # the suite leaves nothing in /tmp
    app = os.path.join(tmp, "ecoapp")
    os.makedirs(app)
    open(os.path.join(app, "__init__.py"), "w").close()
    with open(os.path.join(app, "models.py"), "w") as f:
        f.write(MODELS)
    sys.path.insert(0, tmp)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="ecosystem",
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "ecoapp"],
        DATABASES={"default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": db["host"], "PORT": db["port"], "NAME": db["dbname"],
            "USER": db["user"], "PASSWORD": db["password"],
            "OPTIONS": {"sslmode": "disable"},
        }},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    django.setup()
    return tmp


def cmd(*args, **kw):
    from django.core.management import call_command
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **kw)
    return out.getvalue()


def tables():
    from django.db import connection
    with connection.cursor() as c:
        return set(connection.introspection.table_names(c))


def migrate_all(db):
    setup(db)
    cmd("makemigrations", "ecoapp", verbosity=1)
    cmd("migrate", verbosity=1, interactive=False)


@flow("django.migrate", lib, own_process=True)
def f_migrate(db):
    setup(db)
    out = cmd("makemigrations", "ecoapp")
    if "0001_initial.py" not in out:
        raise AssertionError(f"makemigrations did not write 0001_initial: {out!r}")
    out = cmd("migrate", interactive=False)
    for m in ("contenttypes.0001_initial", "auth.0001_initial", "ecoapp.0001_initial"):
        if f"Applying {m}... OK" not in out:
            raise AssertionError(f"migrate did not apply {m}: {out[-500:]!r}")
    want = {"ecoapp_author", "ecoapp_book", "auth_user", "django_content_type", "django_migrations"}
    if not want <= tables():
        raise AssertionError(f"tables after migrate: missing {want - tables()}")
    from django.db import connection
    with connection.cursor() as c:
        c.execute("select count(*) from django_migrations where app = 'ecoapp'")
        eq(c.fetchone()[0], 1, "ecoapp rows in django_migrations")
        cons = connection.introspection.get_constraints(c, "ecoapp_book")
    if not any(v["foreign_key"] == ("ecoapp_author", "id") for v in cons.values()):
        raise AssertionError(f"no foreign key to ecoapp_author among {cons}")
    if not any(v["unique"] and v["columns"] == ["author_id", "title", "edition"] for v in cons.values()):
        raise AssertionError(f"no unique (author_id, title, edition) among {cons}")
    with connection.cursor() as c:
        if "author_name_idx" not in connection.introspection.get_constraints(c, "ecoapp_author"):
            raise AssertionError("index author_name_idx missing")
    # a second migrate has nothing to do, and the model matches the migrations
    out = cmd("migrate", interactive=False)
    if "No migrations to apply" not in out:
        raise AssertionError(f"second migrate: {out!r}")
    out = cmd("makemigrations", "--check", "--dry-run")
    if "No changes detected" not in out:
        raise AssertionError(f"makemigrations --check: {out!r}")
    out = cmd("showmigrations", "ecoapp")
    if "[X] 0001_initial" not in out:
        raise AssertionError(f"showmigrations: {out!r}")


@flow("django.orm_crud", lib, own_process=True)
def f_crud(db):
    import datetime
    from decimal import Decimal
    migrate_all(db)
    from django.db import IntegrityError, transaction
    from django.db.models import Count, Sum
    from ecoapp.models import Author, Book
    a = Author.objects.create(name="Ursula", email="ul@example.org", joined=datetime.date(2024, 1, 10))
    b = Author.objects.create(name="Iain", email="ib@example.org")
    Book.objects.create(author=a, title="The Dispossessed", price=Decimal("9.90"))
    Book.objects.bulk_create([Book(author=a, title="Lathe", edition=2), Book(author=b, title="Excession", price=Decimal("12.50"))])
    eq(Book.objects.count(), 3, "count")
    eq(Author.objects.get(email="ul@example.org").joined, datetime.date(2024, 1, 10), "DateField")
    eq([x.title for x in Book.objects.filter(author__name="Ursula")], ["The Dispossessed", "Lathe"], "filter across the FK")
    eq([(x.title, x.author.name) for x in Book.objects.select_related("author").order_by("-title")[:2]],
       [("The Dispossessed", "Ursula"), ("Lathe", "Ursula")], "select_related with order and slice")
    eq(list(Author.objects.annotate(n=Count("books")).order_by("name").values_list("name", "n")), [("Iain", 1), ("Ursula", 2)], "annotate Count")
    eq(Book.objects.aggregate(s=Sum("price"))["s"], Decimal("22.40"), "aggregate Sum")
    eq(Book.objects.filter(title__icontains="EXC").update(edition=3), 1, "update count")
    eq(Book.objects.get(title="Excession").edition, 3, "updated value")
    # unique_together and the unique email are enforced; an atomic block rolls back
    try:
        with transaction.atomic():
            Book.objects.create(author=a, title="Lathe", edition=2)
        raise AssertionError("duplicate (author, title, edition) accepted")
    except IntegrityError:
        pass
    try:
        with transaction.atomic():
            Author.objects.create(name="X", email="new@example.org")
            Author.objects.create(name="Y", email="ul@example.org")
        raise AssertionError("duplicate email accepted")
    except IntegrityError:
        pass
    eq(Author.objects.filter(email="new@example.org").exists(), False, "atomic block rolled back")
    # on_delete=CASCADE
    deleted, per_model = a.delete()
    eq(per_model.get("ecoapp.Book"), 2, "cascaded deletes")
    eq(Book.objects.count(), 1, "books left")
    # contrib.auth: a user, a permission check, password check
    from django.contrib.auth import authenticate
    from django.contrib.auth.models import Permission, User
    u = User.objects.create_user("ana", "ana@example.org", "s3cret")
    u.user_permissions.add(Permission.objects.get(codename="add_book"))
    u = User.objects.get(pk=u.pk)
    eq(u.has_perm("ecoapp.add_book"), True, "permission granted")
    eq(authenticate(username="ana", password="s3cret") is not None, True, "authenticate")


@flow("django.loaddata", lib, own_process=True)
def f_loaddata(db):
    """A fixture that names a book before the author it refers to loads in one transaction: Django declares every
    foreign key DEFERRABLE INITIALLY DEFERRED and relies on the check at COMMIT. One that refers to a missing author
    fails at the end and leaves nothing behind."""
    import json
    migrate_all(db)
    from django.db import IntegrityError
    from ecoapp.models import Author, Book
    tmp = tempfile.mkdtemp(prefix="eco-django-fixture-")
    atexit.register(shutil.rmtree, tmp, True)
    good = os.path.join(tmp, "good.json")
    with open(good, "w") as f:
        json.dump([
            {"model": "ecoapp.book", "pk": 1, "fields": {"author": 7, "title": "Solaris", "edition": 1, "data": {}, "created": "2024-01-01T00:00:00Z"}},
            {"model": "ecoapp.author", "pk": 7, "fields": {"name": "Stanislaw", "email": "sl@example.org"}},
        ], f)
    out = cmd("loaddata", good)
    if "Installed 2 object(s)" not in out:
        raise AssertionError(f"loaddata with a forward reference: {out!r}")
    eq(Book.objects.get(pk=1).author.name, "Stanislaw", "the book's author after loaddata")
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        json.dump([
            {"model": "ecoapp.author", "pk": 8, "fields": {"name": "Nobody", "email": "nb@example.org"}},
            {"model": "ecoapp.book", "pk": 2, "fields": {"author": 99, "title": "Lost", "edition": 1, "data": {}, "created": "2024-01-01T00:00:00Z"}},
        ], f)
    try:
        cmd("loaddata", bad)
        raise AssertionError("a fixture referring to a missing author was loaded")
    except IntegrityError:
        pass
    eq(Author.objects.filter(pk=8).exists(), False, "nothing of the failed fixture stays")
    eq(Book.objects.count(), 1, "books after the failed fixture")


@flow("django.jsonfield", lib, own_process=True)
def f_json(db):
    migrate_all(db)
    from ecoapp.models import Author, Book
    a = Author.objects.create(name="A", email="a@example.org")
    Book.objects.create(author=a, title="one", data={"kind": "novel", "pages": 300, "tags": ["sf", "classic"], "meta": {"lang": "en"}})
    Book.objects.create(author=a, title="two", data={"kind": "essay", "pages": 80, "tags": ["politics"], "meta": {"lang": "fr"}})
    Book.objects.create(author=a, title="three", data={"kind": "novel", "pages": 120, "draft": None})
    titles = lambda qs: sorted(qs.values_list("title", flat=True))  # noqa: E731
    eq(titles(Book.objects.filter(data__kind="novel")), ["one", "three"], "data__kind")
    eq(titles(Book.objects.filter(data__pages__gt=100)), ["one", "three"], "data__pages__gt")
    eq(titles(Book.objects.filter(data__meta__lang="fr")), ["two"], "nested key")
    eq(titles(Book.objects.filter(data__contains={"tags": ["sf"]})), ["one"], "data__contains")
    eq(titles(Book.objects.filter(data__has_key="draft")), ["three"], "has_key")
    eq(titles(Book.objects.filter(data__draft__isnull=False)), ["three"], "JSON null is a value")
    eq(titles(Book.objects.filter(data__tags__0="politics")), ["two"], "array index")
    eq(Book.objects.get(title="one").data["tags"], ["sf", "classic"], "JSONField round trip")
    eq(list(Book.objects.order_by("data__pages").values_list("title", flat=True)), ["two", "three", "one"], "order by a key")


@flow("django.inspectdb", lib, own_process=True)
def f_inspectdb(db):
    migrate_all(db)
    out = cmd("inspectdb", "ecoapp_author", "ecoapp_book")
    for needle in ("class EcoappAuthor(models.Model):", "class EcoappBook(models.Model):",
                   "author = models.ForeignKey(EcoappAuthor, models.DO_NOTHING)",
                   "data = models.JSONField()", "email = models.CharField(unique=True, max_length=254)",
                   "price = models.DecimalField(max_digits=8, decimal_places=2, blank=True, null=True)",
                   "unique_together = (('author', 'title', 'edition'),)", "db_table = 'ecoapp_book'"):
        if needle not in out:
            raise AssertionError(f"inspectdb output lacks {needle!r}:\n{out}")


@flow("django.migrate_zero", lib, own_process=True)
def f_zero(db):
    migrate_all(db)
    # a second migration adding a field, applied and then unapplied, then the app taken to zero
    import importlib
    import ecoapp
    path = os.path.join(os.path.dirname(ecoapp.__file__), "models.py")
    with open(path, "a") as f:
        f.write("\n\nclass Review(models.Model):\n    book = models.ForeignKey(Book, on_delete=models.CASCADE)\n"
                "    stars = models.SmallIntegerField()\n")
    from django.apps import apps
    importlib.reload(sys.modules["ecoapp.models"])
    apps.clear_cache()
    out = cmd("makemigrations", "ecoapp")
    if "0002_review.py" not in out:
        raise AssertionError(f"makemigrations for Review: {out!r}")
    cmd("migrate", "ecoapp", interactive=False)
    if "ecoapp_review" not in tables():
        raise AssertionError("ecoapp_review not created")
    cmd("migrate", "ecoapp", "0001", interactive=False)
    if "ecoapp_review" in tables() or "ecoapp_book" not in tables():
        raise AssertionError(f"migrate ecoapp 0001 left {sorted(tables())}")
    out = cmd("migrate", "ecoapp", "zero", interactive=False)
    if "Unapplying ecoapp.0001_initial... OK" not in out:
        raise AssertionError(f"migrate ecoapp zero: {out!r}")
    left = {t for t in tables() if t.startswith("ecoapp_")}
    eq(left, set(), "ecoapp tables after migrate zero")
    if "auth_user" not in tables():
        raise AssertionError("migrate ecoapp zero dropped other apps' tables")
    from django.db import connection
    with connection.cursor() as c:
        c.execute("select count(*) from django_migrations where app = 'ecoapp'")
        eq(c.fetchone()[0], 0, "ecoapp rows in django_migrations after zero")
    out = cmd("migrate", interactive=False)
    if "Applying ecoapp.0002_review... OK" not in out:
        raise AssertionError(f"migrate again after zero: {out!r}")
