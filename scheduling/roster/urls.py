"""The roster's pages, provider-side under ``/roster/``."""

from django.urls import path

from scheduling.roster import views, views_week, worked_views

app_name = "roster"
urlpatterns = [
    path("", views.agent_list, name="agents"),
    path("download/roster.csv", views.export_roster, name="export"),
    path("import/", views.roster_import, name="import"),
    path("agents/new/", views.agent_create, name="agent_new"),
    path("agents/<int:agent_id>/", views.agent_detail, name="agent"),
    path("agents/<int:agent_id>/edit/", views.agent_edit, name="agent_edit"),
    path("agents/<int:agent_id>/allowance/", views.agent_allowance, name="agent_allowance"),
    path("agents/<int:agent_id>/end/", views.agent_end, name="agent_end"),
    path("teams-sites-skills/", views.reference_data, name="reference"),
    path("shift-templates/", views.template_list, name="templates"),
    path("shift-templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("time-off/", views.time_off_queue, name="time_off"),
    path("time-off/new/", views.time_off_request_for_agent, name="time_off_new"),
    path("time-off/<int:request_id>/<slug:step>/", views.time_off_step, name="time_off_step"),
    path("my-time-off/", views.my_time_off, name="my_time_off"),
]

# My week, the calendar feed, shift swaps and the team's week (scheduling.roster.views_week).
urlpatterns += [
    path("my-week/", views_week.my_week, name="my_week"),
    path("my-week/calendar/rotate/", views_week.calendar_rotate, name="calendar_rotate"),
    path("my-week/offer/", views_week.swap_offer, name="swap_offer"),
    path("calendar/<str:token>.ics", views_week.calendar_feed, name="calendar_feed"),
    path("swaps/", views_week.swap_queue, name="swaps"),
    path("swaps/<int:swap_id>/<slug:step>/", views_week.swap_step, name="swap_step"),
    path("team-week/", views_week.team_week, name="team_week"),
]

# Worked time, adherence and period locks (issue 10).
urlpatterns += [
    path("worked-time/", worked_views.worked_week, name="worked"),
    path("worked-time/import/", worked_views.worked_import, name="worked_import"),
    path("worked-time/productive/", worked_views.productive_import, name="productive_import"),
    path("worked-time/confirm/", worked_views.worked_confirm, name="worked_confirm"),
    path("worked-time/day/", worked_views.worked_day, name="worked_day"),
    path("locks/", worked_views.period_locks, name="locks"),
    path("locks/unlock/", worked_views.period_unlock, name="lock_unlock"),
]
