"""Browser UI of incidents and monitoring: thin views over incidents.selectors and
incidents.services (corrective actions through aims.capa.services)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import BusinessRuleError
from aims.models import format_reference
from aims.permissions import can_change_record, has_perm
from aims.view_helpers import (
    ListPageMixin,
    RecordMixin,
    add_version,
    editing,
    in_chunks,
    label_of,
    moment,
    moment_of,
    person_fields,
    person_of,
    reference_of,
    take_version,
    value_of,
)
from aims.views import apply_errors
from inventory import selectors as inventory_selectors
from inventory.models import AISystem, LifecycleStage

from . import selectors, services, time_target_services
from .forms import (
    AwarenessCorrectionForm,
    CorrectiveActionForm,
    IncidentEditForm,
    IncidentFilterForm,
    IncidentForm,
    MetricForm,
    NoteForm,
    ReportForm,
    SeriousForm,
    SeverityForm,
    TimeTargetForm,
    TimeTargetNoteForm,
)
from .models import (
    MAX_TARGET_HOURS,
    REPORTING_HOURS,
    Incident,
    IncidentTimeTarget,
    Metric,
    ReportKind,
    SeriousCase,
)

VIEW_TARGETS = "incidents.view_incidenttimetarget"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, BusinessRuleError):
        return exc.message
    return " ".join(exc.messages)


#: The export of the incident list: references and labels in words, people by name.
# The export reads plain rows (``values()``, joined to the system and the people; the affected
# systems a chunk at a time): a streamed export of every incident builds no model instance
# per row but the small one that answers the reporting rule (``Incident.lateness``).
LATENESS_FIELDS = ("report_hours_late", "report_due_at", "initial_report_at", "report_submitted_at")


def _affected(row: dict) -> str:
    return ", ".join(format_reference(AISystem.REFERENCE_PREFIX, pk) for pk in row["systems"])


def _complete(chunk: list[dict]) -> None:
    """Each row's affected systems (one query for the chunk) and its reporting dates as an
    unsaved incident, whose methods say when the authority first heard and how late."""
    found = selectors.affected_system_ids([row["id"] for row in chunk])
    for row in chunk:
        row["systems"] = found[row["id"]]
        row["reporting"] = Incident(**{f: row[f] for f in LATENESS_FIELDS})


EXPORT_COLUMNS = [
    ("Reference", reference_of(Incident)),
    ("Title", value_of("title")),
    ("Severity", label_of(Incident, "severity")),
    ("Status", label_of(Incident, "status")),
    ("Category", label_of(Incident, "category")),
    ("Detected through", label_of(Incident, "detection_channel")),
    ("AI system", reference_of(AISystem, "system_id")),
    ("System name", value_of("system__name")),
    ("Affected systems", _affected),
    ("Owner", person_of("owner")),
    ("Reported by", person_of("reporter")),
    ("Aware at", moment_of("aware_at")),
    ("Reported at", moment_of("created_at")),
    ("Acknowledged at", moment_of("acknowledged_at")),
    ("Contained at", moment_of("contained_at")),
    ("Resolved at", moment_of("resolved_at")),
    ("Closed at", moment_of("closed_at")),
    ("Serious incident case", label_of(Incident, "serious_case")),
    ("Report due at", moment_of("report_due_at")),
    ("First report at", lambda row: moment(row["reporting"].first_report_at)),
    ("Report lateness", lambda row: row["reporting"].lateness()),
    ("People affected", value_of("people_affected", blank_none=True)),
    ("Description", value_of("description")),
]
EXPORT_FIELDS = (
    "id",
    "title",
    "severity",
    "status",
    "category",
    "detection_channel",
    "system_id",
    "system__name",
    *person_fields("owner"),
    *person_fields("reporter"),
    "aware_at",
    "created_at",
    "acknowledged_at",
    "contained_at",
    "resolved_at",
    "closed_at",
    "serious_case",
    *LATENESS_FIELDS,
    "people_affected",
    "description",
)

INCIDENT_COLUMNS = [
    ("reference", "Ref."),
    ("title", "Title"),
    ("severity", "Severity"),
    ("status", "Status"),
    ("system", "AI system"),
    ("owner", "Owner"),
    ("reported", "Reported"),
]


class IncidentListView(LoginRequiredMixin, ListPageMixin, View):
    """The incidents the user may see; with ``export="csv"`` or ``"xlsx"`` the file of the
    same filtered incidents, every page of them."""

    template_name = "incidents/incident_list.html"
    rows_name = ""  # the rows carry their overdue stages: see extra_context
    filter_form_class = IncidentFilterForm
    sortable, default_sort = selectors.SORTABLE, "-reported"
    export_columns = EXPORT_COLUMNS
    export_filename = "incidents.csv"

    def get_filter_form(self):
        systems = inventory_selectors.restrict_systems(AISystem.objects.all(), self.request.user)
        return IncidentFilterForm(self.request.GET or None, systems=systems.order_by("name"))

    def rows(self, filters):
        return selectors.incident_list(user=self.request.user, filters=filters)

    def export_rows(self, rows):
        # Only the file names every affected system: one more query per chunk of rows.
        return in_chunks(rows.values(*EXPORT_FIELDS), _complete)

    def extra_context(self, page) -> dict:
        now = timezone.now()
        return {
            "rows": [(i, i.overdue_stages(now)) for i in page.object_list],
            "columns": INCIDENT_COLUMNS,
            "now": now,
            "can_report": has_perm(self.request.user, "incidents.add_incident"),
            "can_view_targets": has_perm(self.request.user, VIEW_TARGETS),
        }


class IncidentReportView(LoginRequiredMixin, View):
    template_name = "incidents/incident_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_perm(request.user, "incidents.add_incident"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        systems = inventory_selectors.restrict_systems(
            AISystem.objects.exclude(lifecycle_stage=LifecycleStage.REJECTED), self.request.user
        ).order_by("name")
        initial = {"aware_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
        if self.request.GET.get("system", "").isdigit():
            initial["system"] = int(self.request.GET["system"])
        return IncidentForm(data, systems=systems, initial=initial)

    def get(self, request):
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                incident = services.incident_report(
                    actor=request.user, other_systems=list(data.pop("other_systems")), **data
                )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{incident.reference} reported. The system owner and the governance "
                    "officers have been told.",
                )
                return HttpResponseRedirect(services.incident_url(incident))
        return render(request, self.template_name, {"form": form}, status=status)


class IncidentMixin(RecordMixin):
    """Loads the incident from the URL; one the user may not see is a 404."""

    record_attr = "incident"

    def load(self, user, pk):
        return selectors.incident_get(user=user, pk=pk)

    def back(self):
        return HttpResponseRedirect(services.incident_url(self.incident))


class IncidentDetailView(IncidentMixin, View):
    def get(self, request, pk: int):
        incident, user = self.incident, request.user
        can_change = services.can_change_incident(user, incident)
        can_report = has_perm(user, "incidents.report_serious_incident")
        now = timezone.now()
        targets = [
            (stage, incident.due_at(stage), reached)
            for stage, reached in (
                ("acknowledge", incident.acknowledged_at),
                ("contain", incident.contained_at),
                ("resolve", incident.resolved_at),
            )
        ]
        return render(
            request,
            "incidents/incident_detail.html",
            {
                "incident": incident,
                "systems": incident.systems.all(),
                "events": selectors.incident_events(incident=incident),
                "capas": [
                    (capa, capa_services.capa_url(capa))
                    for capa in capa_selectors.capas_of(source=incident)
                ],
                "overdue": incident.overdue_stages(now),
                "targets": targets,
                "now": now,
                "can_change": can_change,
                "can_report": can_report,
                "transitions": services.available_transitions(actor=user, incident=incident),
                "close_blockers": services.close_blockers(incident),
                "high_risk": services.is_high_risk(incident),
                "days_left": incident.reporting_days_left(),
                "hours_overdue": incident.reporting_hours_overdue(now),
                "serious_cases": [
                    (c, SeriousCase(c).label, REPORTING_HOURS[c]) for c in SeriousCase
                ],
                "severity_form": SeverityForm(
                    initial={"severity": incident.severity},
                    choices=services.severity_choices(user, incident),
                ),
                "can_correct_awareness": services.can_correct_awareness(user, incident),
                "serious_form": SeriousForm(),
                "report_form": ReportForm(kinds=report_kinds(incident)),
                "note_form": NoteForm(),
                "can_add_capa": can_change and has_perm(user, "aims.add_correctiveaction"),
                "evidence_list": incident.evidence.select_related("owner"),
            },
        )


def report_kinds(incident) -> list[tuple[str, str]]:
    """The reports still to record: the initial one only until a report is in."""
    if incident.first_report_at:
        return [(ReportKind.COMPLETE, ReportKind.COMPLETE.label)]
    return list(ReportKind.choices)


class IncidentEditView(IncidentMixin, View):
    """Edit the description of an incident (severity and status change by their actions)."""

    template_name = "incidents/incident_edit.html"

    def check(self, request) -> None:
        if not services.can_change_incident(request.user, self.incident):
            raise PermissionDenied

    def locked(self) -> bool:
        return services.awareness_edit_refusal(self.incident) is not None

    def get(self, request, pk: int):
        self.check(request)
        form = IncidentEditForm(instance=self.incident, awareness_locked=self.locked())
        add_version(form, self.incident)
        return render(request, self.template_name, {"form": form, "incident": self.incident})

    def post(self, request, pk: int):
        self.check(request)
        original = selectors.incident_get(user=request.user, pk=pk)
        form = IncidentEditForm(
            request.POST, instance=self.incident, awareness_locked=self.locked()
        )
        add_version(form, original)
        status = 400
        if form.is_valid():
            version = take_version(form)
            try:
                with editing(original, version):
                    services.incident_update(
                        actor=request.user, incident=original, data=form.cleaned_data
                    )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(request, f"{original.reference} saved.")
                return self.back()
        return render(
            request, self.template_name, {"form": form, "incident": original}, status=status
        )


class IncidentAwarenessView(IncidentMixin, View):
    """An officer corrects when the organisation became aware, with a reason; the time first
    recorded stays on the incident."""

    template_name = "incidents/incident_awareness.html"

    def check(self, request) -> None:
        refusal = services.awareness_correction_refusal(request.user, self.incident)
        if refusal is not None:
            raise PermissionDenied(refusal.message)

    def page(self, form, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "incident": self.incident},
            status=status,
        )

    def get(self, request, pk: int):
        self.check(request)
        aware = timezone.localtime(self.incident.aware_at).strftime("%Y-%m-%dT%H:%M")
        form = AwarenessCorrectionForm(initial={"aware_at": aware})
        add_version(form, self.incident)
        return self.page(form)

    def post(self, request, pk: int):
        self.check(request)
        form = AwarenessCorrectionForm(request.POST)
        add_version(form, self.incident)
        status = 400
        if form.is_valid():
            version = take_version(form)
            try:
                with editing(self.incident, version):
                    services.incident_correct_awareness(
                        actor=request.user, incident=self.incident, **form.cleaned_data
                    )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(request, f"{self.incident.reference}: awareness time corrected.")
                return self.back()
        return self.page(form, status=status)


class IncidentActionView(IncidentMixin, View):
    """A POST that calls one service and comes back to the incident with a message."""

    def perform(self, request, **kwargs) -> str:
        raise NotImplementedError

    def post(self, request, pk: int, **kwargs):
        try:
            done = self.perform(request, **kwargs)
        except (ValidationError, BusinessRuleError) as exc:
            if isinstance(exc, BusinessRuleError) and exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, _error_text(exc))
            status = exc.status_code if isinstance(exc, BusinessRuleError) else 400
            response = self.back()
            response["X-Refused"] = str(status)
            return response
        messages.success(request, done)
        return self.back()


class IncidentTransitionView(IncidentActionView):
    def perform(self, request, action: str) -> str:
        incident = services.incident_transition(
            actor=request.user,
            incident=self.incident,
            action=action,
            note=request.POST.get("note", ""),
        )
        verb = "was reopened and is now" if action == "reopen" else "is now"
        return (
            f"{incident.reference} {incident.title} {verb} {incident.get_status_display().lower()}."
        )


class IncidentSeverityView(IncidentActionView):
    def perform(self, request) -> str:
        form = SeverityForm(request.POST)  # every severity: the service says which may be set
        if not form.is_valid():
            raise ValidationError("Choose a severity and say why it changes.")
        incident = services.incident_set_severity(
            actor=request.user, incident=self.incident, **form.cleaned_data
        )
        return (
            f"{incident.reference} {incident.title}: severity set to "
            f"{incident.get_severity_display()}."
        )


class IncidentSeriousView(IncidentActionView):
    def perform(self, request) -> str:
        form = SeriousForm(request.POST)
        if not form.is_valid():
            raise ValidationError("Choose the Article 73 case.")
        incident = services.incident_mark_serious(
            actor=request.user, incident=self.incident, **form.cleaned_data
        )
        return (
            f"{incident.reference} {incident.title} is marked serious: report due by "
            f"{incident.report_due_text}."
        )


class IncidentReportSubmittedView(IncidentActionView):
    def perform(self, request) -> str:
        form = ReportForm(request.POST)
        if not form.is_valid():
            raise ValidationError(
                "Give the authority's reference, which report it is and a valid time."
            )
        incident = services.incident_record_report(
            actor=request.user, incident=self.incident, **form.cleaned_data
        )
        late = incident.report_hours_late
        return f"{incident.reference}: the report submission is recorded." + (
            f" It came {late} hour{'s' if late != 1 else ''} after the deadline." if late else ""
        )


class IncidentNoteView(IncidentActionView):
    def perform(self, request) -> str:
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise ValidationError("Write something.")
        services.incident_add_note(actor=request.user, incident=self.incident, **form.cleaned_data)
        return f"Note added to the timeline of {self.incident.reference} {self.incident.title}."


class IncidentCapaAddView(IncidentMixin, View):
    template_name = "incidents/capa_form.html"

    def check(self, request):
        if not (
            services.can_change_incident(request.user, self.incident)
            and has_perm(request.user, "aims.add_correctiveaction")
        ):
            raise PermissionDenied

    def form(self, data=None):
        incident = self.incident
        initial = {
            "title": f"Prevent recurrence of {incident.reference}",
            "nonconformity": incident.title,
            "root_cause": incident.root_cause,
            "owner": incident.owner_id,
        }
        return CorrectiveActionForm(data, initial=initial)

    def get(self, request, pk: int):
        self.check(request)
        return render(request, self.template_name, {"form": self.form(), "incident": self.incident})

    def post(self, request, pk: int):
        self.check(request)
        form = self.form(request.POST)
        status = 400
        if form.is_valid():
            try:
                capa = capa_services.capa_create(
                    actor=request.user, source=self.incident, **form.cleaned_data
                )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(request, f"{capa.reference} opened on {self.incident.reference}.")
                return self.back()
        return render(
            request, self.template_name, {"form": form, "incident": self.incident}, status=status
        )


# --- Monitoring -----------------------------------------------------------------------------


class SystemMonitoringMixin(LoginRequiredMixin):
    need_change = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.system = inventory_selectors.system_get(user=request.user, pk=kwargs["pk"])
        except AISystem.DoesNotExist:
            raise Http404 from None
        if self.need_change and not (
            has_perm(request.user, "incidents.add_metric")
            and can_change_record(request.user, self.system)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MonitoringView(SystemMonitoringMixin, View):
    def get(self, request, pk: int):
        metrics = list(selectors.metric_list(user=request.user, system=self.system))
        data = selectors.series(metrics=metrics)
        charts = [
            {
                "id": m.pk,
                "name": m.name,
                "unit": m.unit,
                "breach": m.breach_threshold,
                "warning": m.warning_threshold,
                "points": [[at.isoformat(), value] for at, value in data[m.pk]],
            }
            for m in metrics
        ]
        return render(
            request,
            "incidents/monitoring.html",
            {
                "system": self.system,
                "metrics": metrics,
                "charts": charts,
                "alerts": selectors.alert_list(user=request.user).filter(
                    metric__system=self.system
                )[:20],
                "incidents": selectors.incident_list(
                    user=request.user, filters={"system": self.system.pk}
                )[:20],
                "can_add_metric": has_perm(request.user, "incidents.add_metric")
                and can_change_record(request.user, self.system),
                "can_report": has_perm(request.user, "incidents.add_incident"),
            },
        )


class MetricAddView(SystemMonitoringMixin, View):
    need_change = True
    template_name = "incidents/metric_form.html"

    def get(self, request, pk: int):
        return render(request, self.template_name, {"form": MetricForm(), "system": self.system})

    def post(self, request, pk: int):
        form = MetricForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                metric = services.metric_save(
                    actor=request.user, metric=Metric(system=self.system), data=form.cleaned_data
                )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                messages.success(request, f"Metric {metric.name} defined.")
                return HttpResponseRedirect(reverse("incidents:monitoring", args=[self.system.pk]))
        return render(
            request, self.template_name, {"form": form, "system": self.system}, status=status
        )


# --- Time targets ---------------------------------------------------------------------------


class TimeTargetsView(LoginRequiredMixin, View):
    """The hours per severity to acknowledge, contain and resolve an incident. Every role
    reads them; governance officers change the four severities in one form."""

    template_name = "incidents/time_targets.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_perm(request.user, VIEW_TARGETS):
            raise PermissionDenied
        if request.method == "POST" and not time_target_services.can_change_time_targets(
            request.user
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None) -> list[TimeTargetForm]:
        targets = IncidentTimeTarget.objects.select_related("updated_by")
        return [TimeTargetForm(data, instance=target) for target in targets]

    def render_page(self, forms, note_form, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {
                "forms": forms,
                "note_form": note_form,
                "has_errors": bool(note_form.errors) or any(form.errors for form in forms),
                "can_edit": time_target_services.can_change_time_targets(self.request.user),
                "max_hours": MAX_TARGET_HOURS,
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(self.forms(), TimeTargetNoteForm())

    def post(self, request):
        forms, note_form = self.forms(request.POST), TimeTargetNoteForm(request.POST)
        if not (note_form.is_valid() and all([form.is_valid() for form in forms])):
            return self.render_page(forms, note_form, status=400)
        changed = []
        try:
            with transaction.atomic():
                for form in forms:
                    before = form.initial
                    # Only what this officer changed on the page (see the form's hidden
                    # initial values): a concurrent edit of another field is kept.
                    data = {f: form.cleaned_data[f] for f in form.changed_data}
                    target = time_target_services.time_target_update(
                        actor=request.user,
                        target=form.instance,
                        data=data,
                        note=note_form.cleaned_data["note"],
                    )
                    if any(before[f] != getattr(target, f) for f in data):
                        changed.append(target.severity.upper())
        except (ValidationError, BusinessRuleError) as exc:
            if isinstance(exc, BusinessRuleError) and exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            status = apply_errors(form, exc)
            return self.render_page(forms, note_form, status=status)
        if changed:
            messages.success(
                request,
                f"Time targets saved: {', '.join(changed)} changed. Due times and overdue "
                "flags of open incidents follow the new targets.",
            )
        else:
            messages.info(request, "No time target changed.")
        return HttpResponseRedirect(request.path)
