"""The audit-trail page: the chain's head, the public key that signs checkpoints and packs,
the signed checkpoints and the adoptions; officers sign a checkpoint now, and anyone who may
read the trail runs a full verification on demand."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.view_helpers import page_context

from ..models import TrailAdoption, TrailCheckpoint
from . import signing
from .chain import can_read_trail, can_sign_checkpoint, head_summary
from .checkpoints import create_checkpoint
from .verify import verify_chain


class AuditTrailView(LoginRequiredMixin, View):
    template_name = "audits/trail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_read_trail(request.user):
            raise PermissionDenied("The audit trail is for auditors and governance officers.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        checkpoints = TrailCheckpoint.objects.order_by("-sequence")
        context = {
            **page_context(request, checkpoints, rows_name="checkpoints", per_page=20),
            "head": head_summary(),
            "key_id": signing.key_id(),
            "public_key_pem": signing.public_key_pem(),
            "adoptions": TrailAdoption.objects.select_related("adopted_by").order_by("-id")[:20],
            "can_sign": can_sign_checkpoint(request.user),
            "verification": verify_chain() if request.GET.get("verify") else None,
        }
        return render(request, self.template_name, context)

    def post(self, request):
        if not can_sign_checkpoint(request.user):
            raise PermissionDenied("Only governance officers sign checkpoints.")
        checkpoint = create_checkpoint(TrailCheckpoint.Occasion.MANUAL)
        messages.success(
            request,
            f"Checkpoint {checkpoint.sequence} signed: {checkpoint.position} links.",
        )
        return HttpResponseRedirect(reverse("audits:trail"))
