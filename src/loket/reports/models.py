"""Public-space reports (meldingen openbare ruimte, issue 15): what residents see broken or dirty
in the street, placed on the map, handled as a case with a service norm, followed to the end.

A *category* (main and sub, per municipality) routes a report to a team or partner and sets its
service norm in working days. A *report* is the place, the words and the photos of one case of
the case type ``melding-openbare-ruimte``; its status is the case's. *Followers* hear of every
step: the reporter (logged in or only with an e-mail address or mobile number), residents who
chose to follow instead of reporting again, and the reporters of duplicates merged into it.
A *boundary* per municipality tells, in a shared service, whose street a point is in.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import validate_term
from loket.lib.i18n import localized
from loket.organisation.models import Partner, Team
from loket.parties.models import Person
from loket.tenancy.models import Municipality, TenantOwned


class Category(TenantOwned):
    """A kind of report. A main category (no ``parent``) groups sub-categories; residents and
    Open311 clients report in a sub-category (an Open311 *service*, ``code`` its service_code)."""

    partner_scope = "partner"

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("main category"),
    )
    code = models.SlugField(_("code"), help_text=_("The Open311 service_code; never changes"))
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_nl = models.CharField(_("description (Dutch)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    keywords = models.TextField(
        _("words residents use"),
        blank=True,
        help_text=_("One per line; suggest this category when a description contains them"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="report_categories"
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_categories",
    )
    service_norm = models.CharField(
        _("service norm"),
        max_length=10,
        blank=True,
        validators=[validate_term],
        help_text=_("“5wd” = 5 working days; a sub-category without one takes its main's"),
    )
    attributes = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        help_text=_(
            "Open311 attributes: a list of {code, datatype, required, description_nl, "
            "description_en, values: [{key, name_nl, name_en}]}"
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["municipality", "order", "name_nl"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="category_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def handler(self) -> tuple[Team | None, Partner | None]:
        """The team or partner that handles it: its own, else its main category's."""
        if self.team_id or self.partner_id:
            return self.team, self.partner
        if self.parent is not None:
            return self.parent.team, self.parent.partner
        return None, None

    def norm(self) -> str:
        return self.service_norm or (self.parent.service_norm if self.parent else "")

    def clean(self) -> None:
        if self.team_id and self.partner_id:
            raise ValidationError(_("A category is handled by a team or by a partner, not both."))
        if self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError(_("A main category cannot itself have a main category."))
            if self.parent.municipality_id != self.municipality_id:
                raise ValidationError(_("The main category belongs to another municipality."))
        elif not (self.team_id or self.partner_id) or not self.service_norm:
            raise ValidationError(_("A main category needs a team or partner and a service norm."))


class Boundary(models.Model):
    """A municipality's area (GeoJSON Polygon or MultiPolygon, WGS84) and its box."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="boundary"
    )
    geojson = models.JSONField(_("boundary (GeoJSON)"))
    south = models.FloatField(editable=False)
    west = models.FloatField(editable=False)
    north = models.FloatField(editable=False)
    east = models.FloatField(editable=False)

    class Meta:
        verbose_name = _("municipal boundary")
        verbose_name_plural = _("municipal boundaries")

    def __str__(self) -> str:
        return str(self.municipality)

    def clean(self) -> None:
        from shapely.errors import GEOSException, ShapelyError

        from loket.lib.geo import Area

        try:
            box = Area(self.geojson).box
        except (
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
            GEOSException,
            ShapelyError,
        ) as error:
            raise ValidationError({"geojson": _("Not a valid polygon: %s") % error}) from None
        self.south, self.west, self.north, self.east = box.south, box.west, box.north, box.east


class Address(models.Model):
    """An address with its place on the map: the offline geocoder of the demo and the tests
    (production asks PDOK's Locatieserver, ``LOKET_GEOCODER``)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="map_addresses"
    )
    street = models.CharField(_("street"), max_length=100)
    number = models.CharField(_("house number"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("town"), max_length=100)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = _("address on the map")
        verbose_name_plural = _("addresses on the map")
        ordering = ["city", "street", "number"]
        # The nearest address to a new report's point: a box on these two first.
        indexes = [models.Index(fields=["latitude", "longitude"], name="address_place")]

    def __str__(self) -> str:
        return " ".join(part for part in (self.street, self.number) if part) + f", {self.city}"


class Report(TenantOwned):
    """The place, words and photos of one reported problem; its status is its case's."""

    partner_scope = "case__partner"

    class Source(models.TextChoices):
        WEB = "web", _("website")
        OPEN311 = "open311", _("Open311 app")
        STAFF = "staff", _("registered by staff")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="report", verbose_name=_("case")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("The address nearest, as found")
    )
    description = models.TextField(_("description"))
    attributes = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    client = models.ForeignKey(
        "reports.Open311Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("Open311 client"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    reopened = models.PositiveSmallIntegerField(
        _("reopened by the reporter"), default=0, help_text=_("A “no, not solved” reopens once")
    )
    created_at = models.DateTimeField(_("reported"), db_index=True)
    # Kept with the case's status by the report services (``report_case_changed``), so the map,
    # the nearby check and Open311 read one table.
    is_open = models.BooleanField(_("open"), default=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_code = models.CharField(_("status"), max_length=40)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            # The nearby check: one category, open, inside a box.
            models.Index(
                fields=["category", "is_open", "latitude", "longitude"], name="report_nearby"
            ),
            models.Index(fields=["municipality", "created_at"], name="report_recent"),
            models.Index(fields=["municipality", "is_open", "closed_at"], name="report_map"),
        ]

    def __str__(self) -> str:
        return f"{self.case.identification} {self.category}"


def photo_path(instance: Photo, filename: str) -> str:
    return (
        f"reports/{instance.report.municipality_id}/{instance.report.uuid}/{uuid.uuid4().hex}.jpg"
    )


class Photo(models.Model):
    """A photo of the problem, as stored: re-encoded as JPEG, at most ``MAX_SIDE`` pixels on its
    longest side, without any metadata (EXIF, GPS, camera) of the original."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.file.name)


class Follower(models.Model):
    """Someone who hears of every step of a report: by their person record (logged in) or by
    the e-mail address or mobile number they left. ``token_digest`` is the SHA-256 of the secret
    in their links (follow the report, answer "Is het opgelost?", stop following)."""

    class Role(models.TextChoices):
        REPORTER = "reporter", _("reported it")
        FOLLOWER = "follower", _("follows it")
        MERGED = "merged", _("reported a duplicate")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, default="nl")
    token_digest = models.CharField(max_length=64, unique=True)
    answered = models.CharField(
        _("answer to “Is it solved?”"),
        max_length=3,
        blank=True,
        choices=[("yes", _("yes")), ("no", _("no"))],
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped following"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.get_role_display()}"

    # What the outbox reads of a recipient (``notifications.services.channel_for``) who left
    # only an address; a follower with a person record is reached through that record.
    @property
    def preferred_channel(self) -> str:
        return "e-mail" if self.email else "sms"

    full_name = address = street = postcode = ""


class Open311Client(models.Model):
    """An app or partner that posts reports through Open311 with its own ``api_key`` (stored as
    a SHA-256 digest; the key is shown once, when an administrator creates it)."""

    name = models.CharField(_("name"), max_length=100)
    municipalities = models.ManyToManyField(
        Municipality, related_name="open311_clients", verbose_name=_("may report in")
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key begins with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
