"""The "Envoi" panel of a letter's edit form: its sending's progress (sent, failed,
remaining), or the way to test and send it."""

from __future__ import annotations

from wagtail.admin.panels import Panel


class SendingPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "newsletter/letters/admin/sending_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            sending = page.sent_sending if page.pk else None
            context["page"] = page
            context["sending"] = sending
            if sending is not None:
                context["state"] = page.sending_progress()
            elif page.pk:
                context["can_send"] = page.permissions_for_user(self.request.user).can_publish()
            return context
