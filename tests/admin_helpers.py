"""Admin helpers shared by every section's admin tests."""

from django.urls import reverse
from reversion.models import Version

from portal.publishing import Status


def admin_url(model, view, *args):
    """admin:<app>_<model>_<view>, e.g. admin_url(Park, "change", park.pk)."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_publish_action_records_a_version(staff_client, obj):
    """Run the changelist's publish action on a draft `obj`: it is published, with one more revision."""
    obj.status = Status.DRAFT
    obj.save()
    before = Version.objects.get_for_object(obj).count()
    changelist = admin_url(type(obj), "changelist")
    response = staff_client.post(changelist, {"action": "publish", "_selected_action": [obj.pk]}, follow=True)
    assert response.status_code == 200
    obj.refresh_from_db()
    assert obj.status == Status.PUBLISHED
    assert Version.objects.get_for_object(obj).count() == before + 1
