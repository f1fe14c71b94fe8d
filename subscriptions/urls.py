from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("<int:subscription_id>/upgrade/", views.subscription_upgrade, name="upgrade"),
    path("operations/<int:operation_id>/", views.operation_detail, name="operation"),
    path("operations/<int:operation_id>/affected.csv", views.operation_csv, name="operation-csv"),
]
