from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("项目")

    def ready(self):
        from alliances.dashboard import register_tile
        from bureau.gates import on_decision
        from governance.outcomes import on_decided
        from membership.hooks import on_departure, withdrawal_blocker
        from projects import selectors, services
        from projects.views import projects_tile

        on_decided("project_approval")(services.on_approval_decided)
        on_decided("project_adjustment")(services.on_adjustment_decided)
        on_decision("project_proposal")(services.on_proposal_decision)
        on_decision("participant_withdrawal")(services.on_withdrawal_decision)
        withdrawal_blocker(selectors.open_tasks_of)
        on_departure(services.on_unit_departure)
        register_tile(projects_tile)
