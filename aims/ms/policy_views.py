"""Browser pages of the AI policy (5.2): policies, their versions (draft, approve, publish),
acknowledgements and the reading list of pending policies. Thin: reads through
aims.ms.selectors, writes through aims.ms.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError
from aims.models import (
    Policy,
    PolicyVersion,
    record_number,
)
from aims.ms import selectors, services
from aims.ms.forms import (
    PolicyCreateForm,
    PolicyForm,
    VersionForm,
)
from aims.ms.views import MSView, current_evidence
from aims.permissions import has_perm
from aims.view_helpers import ServiceFormMixin, paginate

# --- Policies -------------------------------------------------------------------------------


class PolicyListView(MSView):
    permission = "aims.view_policy"

    def get(self, request):
        q = request.GET.get("q", "").strip()[:100]
        page, query = paginate(request, selectors.policy_list(user=request.user, filters={"q": q}))
        rows = [(p, *selectors.current_versions(p)) for p in page.object_list]
        counts = selectors.acknowledgement_counts([published for _, published, _ in rows])
        return render(
            request,
            "ms/policy_list.html",
            {
                "q": q,
                "page_obj": page,
                "querystring_without_page": query,
                "rows": [
                    (p, published, pending, counts.get(published.pk, 0) if published else None)
                    for p, published, pending in rows
                ],
                "active_users": selectors.active_user_count(),
                "can_add": self.can("aims.add_policy"),
            },
        )


class PolicyCreateView(ServiceFormMixin, MSView):
    permission = "aims.add_policy"
    template_name = "ms/policy_form.html"

    def make_form(self, data=None):
        return PolicyCreateForm(data, initial={"owner": self.request.user.pk})

    def save(self, form) -> str:
        policy = services.policy_create(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"{policy.reference} created with a first draft.")
        return reverse("ms:policy_detail", args=[policy.pk])


class PolicyMixin(MSView):
    def load(self, pk: int, **kwargs) -> None:
        self.policy = get_object_or_404(Policy.objects.select_related("owner"), pk=pk)


def _policy_context(request, policy: Policy, **extra) -> dict:
    user = request.user
    versions = list(policy.versions.select_related("drafted_by", "approved_by").order_by("-number"))
    published = next((v for v in versions if v.status == PolicyVersion.Status.PUBLISHED), None)
    in_progress = (PolicyVersion.Status.DRAFT, PolicyVersion.Status.APPROVED)
    pending = next((v for v in versions if v.status in in_progress), None)
    authors = services.version_authors(pending) if pending else set()
    return {
        "policy": policy,
        "versions": versions,
        "published": published,
        "pending": pending,
        "can_change": has_perm(user, "aims.change_policy"),
        "can_draft": pending is None and has_perm(user, "aims.add_policyversion"),
        "can_edit_draft": pending is not None
        and pending.status == PolicyVersion.Status.DRAFT
        and has_perm(user, "aims.change_policyversion"),
        "can_approve": pending is not None
        and pending.status == PolicyVersion.Status.DRAFT
        and has_perm(user, "aims.approve_policy")
        and user.pk not in authors,
        "is_author": user.pk in authors,
        "can_publish": pending is not None
        and pending.status == PolicyVersion.Status.APPROVED
        and has_perm(user, "aims.approve_policy"),
        "can_see_acks": has_perm(user, "aims.view_policyacknowledgement"),
        "ack_status": selectors.acknowledgement_status(policy)
        if has_perm(user, "aims.view_policyacknowledgement")
        else None,
        "my_ack": published.acknowledgements.filter(user=user).first() if published else None,
        "evidence_list": current_evidence(policy, user),
        "can_attach": has_perm(user, "aims.add_evidence") and has_perm(user, "aims.change_policy"),
        "history": policy.history.select_related("history_user").order_by("-history_id")[:20],
        **extra,
    }


class PolicyDetailView(PolicyMixin):
    permission = "aims.view_policy"

    def get(self, request, pk: int):
        return render(request, "ms/policy_detail.html", _policy_context(request, self.policy))


class PolicyEditView(ServiceFormMixin, PolicyMixin):
    permission = "aims.change_policy"
    template_name = "ms/policy_form.html"

    def context(self) -> dict:
        return {"policy": self.policy}

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            return PolicyForm(data, instance=Policy.objects.get(pk=self.policy.pk))
        return PolicyForm(instance=self.policy)

    def save(self, form) -> str:
        services.policy_update(actor=self.request.user, policy=self.policy, data=form.cleaned_data)
        messages.success(self.request, f"{self.policy.reference} saved.")
        return reverse("ms:policy_detail", args=[self.policy.pk])


class VersionCreateView(ServiceFormMixin, PolicyMixin):
    permission = "aims.add_policyversion"
    template_name = "ms/version_form.html"

    def context(self) -> dict:
        return {"policy": self.policy}

    def make_form(self, data=None):
        if data is not None:
            return VersionForm(data)
        published = services.published_version(self.policy)
        return VersionForm(initial={"body": published.body if published else ""})

    def get(self, request, pk: int):
        pending = services.version_in_progress(self.policy)
        return self.render_form(self.make_form(), pending=pending)

    def save(self, form) -> str:
        version = services.version_create(
            actor=self.request.user, policy=self.policy, **form.cleaned_data
        )
        messages.success(self.request, f"Version {version.number} drafted.")
        return reverse("ms:policy_detail", args=[self.policy.pk])


class VersionMixin(MSView):
    def load(self, pk: int, **kwargs) -> None:
        self.version = get_object_or_404(
            PolicyVersion.objects.select_related("policy", "drafted_by", "approved_by"), pk=pk
        )
        self.policy = self.version.policy


class VersionDetailView(VersionMixin):
    permission = "aims.view_policyversion"

    def get(self, request, pk: int):
        return render(
            request,
            "ms/version_detail.html",
            {
                "version": self.version,
                "policy": self.policy,
                "history": self.version.history.select_related("history_user").order_by(
                    "-history_id"
                ),
            },
        )


class VersionEditView(ServiceFormMixin, VersionMixin):
    permission = "aims.change_policyversion"
    template_name = "ms/version_form.html"

    def context(self) -> dict:
        return {"policy": self.policy, "version": self.version}

    def make_form(self, data=None):
        if data is not None:  # a fresh copy: a refused save must not leave its edits on it
            return VersionForm(data, instance=PolicyVersion.objects.get(pk=self.version.pk))
        return VersionForm(instance=self.version)

    def get(self, request, pk: int):
        if self.version.status != PolicyVersion.Status.DRAFT:
            return self.locked(request)
        return super().get(request, pk)

    def locked(self, request):
        message = (
            f"Version {self.version.number} is {self.version.get_status_display().lower()}: "
            "only drafts change."
        )
        context = _policy_context(request, self.policy, error=message)
        return render(request, "ms/policy_detail.html", context, status=409)

    def refused(self, form, exc):
        if isinstance(exc, BusinessRuleError) and exc.status_code == 409:
            return self.locked(self.request)
        return super().refused(form, exc)

    def save(self, form) -> str:
        services.version_update(
            actor=self.request.user, version=self.version, data=form.cleaned_data
        )
        messages.success(self.request, f"Draft of version {self.version.number} saved.")
        return reverse("ms:policy_detail", args=[self.policy.pk])


class VersionActionView(VersionMixin):
    permission = "aims.approve_policy"
    done = ""

    def act(self, actor, version):
        raise NotImplementedError

    def post(self, request, pk: int):
        try:
            self.act(request.user, self.version)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            context = _policy_context(request, self.policy, error=exc.message)
            return render(request, "ms/policy_detail.html", context, status=exc.status_code)
        messages.success(request, f"{self.version}: {self.done}.")
        return HttpResponseRedirect(reverse("ms:policy_detail", args=[self.policy.pk]))


class VersionApproveView(VersionActionView):
    done = "approved"

    def act(self, actor, version):
        return services.version_approve(actor=actor, version=version)


class VersionPublishView(VersionActionView):
    done = "published; every user is asked to acknowledge it"

    def act(self, actor, version):
        return services.version_publish(actor=actor, version=version)


class PolicyAcknowledgementsView(PolicyMixin):
    permission = "aims.view_policyacknowledgement"

    def get(self, request, pk: int):
        status = selectors.acknowledgement_status(self.policy)
        return render(
            request,
            "ms/policy_acknowledgements.html",
            {"policy": self.policy, "status": status},
        )


class PolicyReadView(PolicyMixin):
    """The published text, for every logged-in user, with the acknowledgement button."""

    def get(self, request, pk: int):
        version = services.published_version(self.policy)
        if version is None:
            raise Http404("This policy has no published version.")
        return render(
            request,
            "ms/policy_read.html",
            {
                "policy": self.policy,
                "version": version,
                "my_ack": version.acknowledgements.filter(user=request.user).first(),
            },
        )


class PolicyAcknowledgeView(PolicyMixin):
    def post(self, request, pk: int):
        version = request.POST.get("version", "")
        try:
            ack, created = services.policy_acknowledge(
                actor=request.user,
                policy=self.policy,
                version_id=record_number(version),
            )
        except (BusinessRuleError, ValidationError) as exc:
            status = getattr(exc, "status_code", 409)  # a stale version: read the new one
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
            return render(
                request,
                "ms/policy_pending.html",
                _pending_context(request),
                status=status,
            )
        if created:
            messages.success(request, f"Thank you: you acknowledged {ack.version}.")
        else:
            messages.info(
                request,
                f"You had already acknowledged {ack.version} on "
                f"{timezone.localtime(ack.acknowledged_at):%d %b %Y}.",
            )
        return HttpResponseRedirect(reverse("ms:policy_pending"))


def _pending_context(request) -> dict:
    return {
        "pending": list(selectors.pending_acknowledgements(request.user)),
        "done": selectors.acknowledgements_of(request.user)[:20],
    }


class PolicyPendingView(MSView):
    def get(self, request):
        return render(request, "ms/policy_pending.html", _pending_context(request))
