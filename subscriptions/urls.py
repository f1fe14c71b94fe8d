from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("<int:subscription_id>/", views.subscription_detail, name="detail"),
    path("<int:subscription_id>/licenses/", views.subscription_change_quantity, name="change-quantity"),
    path("<int:subscription_id>/upgrade/", views.subscription_upgrade, name="upgrade"),
    path("<int:subscription_id>/upgrade/accounts/", views.upgrade_accounts, name="upgrade-accounts"),
    path("<int:subscription_id>/upgrade/reasons/", views.upgrade_reasons, name="upgrade-reasons"),
    path("operations/<int:operation_id>/", views.operation_detail, name="operation"),
    path("operations/<int:operation_id>/affected.csv", views.operation_csv, name="operation-csv"),
    path(
        "operations/<int:operation_id>/accounts/<int:account_id>/assign/",
        views.account_assign,
        name="account-assign",
    ),
    path(
        "operations/<int:operation_id>/accounts/<int:account_id>/usage-location/",
        views.account_usage_location,
        name="account-usage-location",
    ),
    path("operations/<int:operation_id>/retry/", views.accounts_retry, name="accounts-retry"),
    path("activity/", views.activity_log, name="activity"),
    path("activity/activity-log.csv", views.activity_csv, name="activity-csv"),
    path("activity/billing-lines.csv", views.billing_lines_csv, name="billing-lines-csv"),
]
