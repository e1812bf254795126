"""The reviewed role x endpoint x alliance matrix (issue #9, point 1).

One row per API operation (OpenAPI operationId) and one per page route; one column per actor of
DESIGN.md section 1 in the demo alliance `ocean-equipment`, plus the bureau officer, an anonymous
visitor and the secretary-general of the other demo alliance (`biomed`). The rows were written
by reading each view's `read_roles`/`write_roles`/`page_roles`, its queryset and its service, and
checked against DESIGN.md section 1; they are not a recording of the code's answers.

Codes:
  ok     allowed: 2xx, or a 400/409 business refusal (the permission check passed; writes are sent
         with an empty body, so most stop at validation), for pages also a redirect that is not to
         the login page, or 405 for a page that only takes POST (GET is sent to every page that has
         a GET; POST-only pages get an empty POST)
  403    refused for the role
  404    hidden: the object (or the whole alliance) does not exist for this actor
  anon   anonymous API call: 401 with `WWW-Authenticate: Token` and the "not_authenticated" code
  login  anonymous page: redirect to the login page

The objects behind path ids are chosen in tests/security/objects.py: unit-scoped objects belong to
units other than the representative's, the consultation is a closed one not sent to `expert-1`,
the notification belongs to the secretary-general. Hence `rep` 404 on unit-scoped details.
"""

ACTORS = ("sec", "sg", "council", "chair", "expert", "rep", "auditor", "bureau", "anon", "other")

# Demo user keys of the alliance actors (DemoContext.user); bureau, anon and other are built apart.
ACTOR_USERS = {"sec": "sec", "sg": "sg", "council": "council-1", "chair": "chair", "expert": "expert-1",
               "rep": "rep-1", "auditor": "auditor"}

CODES = {"ok", "403", "404", "anon", "login"}


def parse(text: str) -> dict[str, dict[str, str]]:
    """A whitespace table (first line: headers) into {row: {actor: code}}; `#` starts a comment."""
    rows = {}
    lines = [line.split("#")[0].rstrip() for line in text.strip().splitlines()]
    header, *body = [line for line in lines if line]
    assert tuple(header.split()[1:]) == ACTORS, header
    for line in body:
        name, *codes = line.split()
        assert len(codes) == len(ACTORS) and set(codes) <= CODES, line
        assert name not in rows, f"{name} twice"
        rows[name] = dict(zip(ACTORS, codes))
    return rows


API = parse("""
operation                                              sec      sg       council  chair    expert   rep      auditor  bureau   anon     other  
v1_alliances_list                                      ok       ok       ok       ok       ok       ok       ok       ok       anon     ok
v1_alliances_retrieve                                  ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_partial_update                            403      ok       403      403      403      403      403      403      anon     404
v1_alliances_activity_list                             ok       ok       403      403      403      403      ok       403      anon     404  # the activity log: the secretariat and the auditor
v1_alliances_jobs_retrieve                             ok       ok       ok       ok       404      404      ok       ok       anon     404  # an auditor export (a long job): who reads the ledger, and the bureau
v1_alliances_charter_list                              ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_charter_create                            ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_charter_retrieve                          ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_agreement_retrieve                        ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_agreement_versions_list                   ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_agreement_versions_create                 ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_agreement_versions_retrieve               ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_agreement_versions_partial_update         ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_agreement_versions_diff_retrieve          ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_agreement_versions_open_for_signature_create ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_agreement_versions_pdf_retrieve           ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_agreement_versions_propose_create         ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_agreement_versions_sign_create            ok       ok       403      403      403      ok       403      403      anon     404  # a unit's representative records its own signature
v1_alliances_consultations_list                        ok       ok       ok       ok       ok       403      403      ok       anon     404
v1_alliances_consultations_create                      ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_consultations_retrieve                    ok       ok       ok       ok       404      403      403      ok       anon     404
v1_alliances_consultations_close_create                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_consultations_documents_create            ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_consultations_opinions_create             403      403      403      403      ok       403      403      403      anon     404  # the empty body is refused (400) before the object is read; test_fixes pins the 404
v1_alliances_ip_assets_list                            ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_ip_assets_create                          ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ip_assets_retrieve                        ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_ip_assets_partial_update                  ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ip_assets_ownership_create                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ip_transfers_list                         ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_ip_transfers_create                       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ip_transfers_retrieve                     ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_ip_transfers_receipts_list                ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_ip_transfers_receipts_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_accounts_list                      ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_accounts_retrieve                  ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_auditor_export_retrieve            ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_budget_vs_actual_list              ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_contributions_list                 ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_contributions_create               ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_contributions_retrieve             ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_contributions_receive_create       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_entries_list                       ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_entries_create                     ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_entries_batch_create               ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_entries_approve_batch_create       ok       ok       403      403      403      403      403      403      anon     404  # secretariat; the service refuses self-approval per entry
v1_alliances_ledger_entries_retrieve                   ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_entries_approve_create             403      ok       403      403      403      403      403      403      anon     404  # only the secretary-general approves (DESIGN 1)
v1_alliances_ledger_entries_attachments_create         ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_entries_reject_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_entries_reverse_create             ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_entries_release_create             ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_funds_list                         ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_funds_create                       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_funds_retrieve                     ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_funds_balances_list                ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_general_ledger_list                ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_periods_list                       ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_periods_retrieve                   ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_periods_close_create               ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_periods_reopen_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_ledger_reports_activities_retrieve        ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_activities_pdf_retrieve    ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_activities_xlsx_retrieve   ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_balance_sheet_retrieve     ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_balance_sheet_pdf_retrieve ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_balance_sheet_xlsx_retrieve ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_cash_flow_retrieve         ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_cash_flow_pdf_retrieve     ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_reports_cash_flow_xlsx_retrieve    ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_statements_retrieve                ok       ok       ok       ok       404      404      ok       ok       anon     404
v1_alliances_ledger_statements_pdf_retrieve            ok       ok       ok       ok       404      404      ok       ok       anon     404
v1_alliances_ledger_statements_xlsx_retrieve           ok       ok       ok       ok       404      404      ok       ok       anon     404
v1_alliances_ledger_trial_balance_retrieve             ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_ledger_verify_retrieve                    ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_licences_list                             ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_licences_create                           ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_licences_retrieve                         ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_licences_receipts_list                    ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_licences_receipts_create                  ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_licences_terminate_create                 ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_meetings_list                             ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_meetings_create                           ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_meetings_retrieve                         ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_meetings_minutes_pdf_retrieve             ok       ok       ok       ok       403      403      ok       ok       anon     404  # signed minutes: whoever reads the meeting
v1_alliances_meetings_partial_update                   ok       ok       403      403      403      403      403      403      anon     404  # the secretariat calls meetings; the change goes to every attendee
v1_alliances_meetings_cancel_create                    ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_meetings_agenda_create                    ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_meetings_attendance_create                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_meetings_minutes_create                   ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_meetings_minutes_approve_create           403      ok       403      ok       403      403      403      403      anon     404  # the secretary-general or the chair approves
v1_alliances_meetings_minutes_lock_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_list                              ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_members_create                            ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_retrieve                          ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_members_accession_pdf_retrieve            ok       ok       ok       ok       ok       404      ok       ok       anon     404  # signed accession record: whoever reads the unit
v1_alliances_members_partial_update                    ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_bar_create                        ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_complete_withdrawal_create        ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_propose_expulsion_create          ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_request_withdrawal_create         ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_sign_accession_create             ok       ok       403      ok       403      403      403      403      anon     404
v1_alliances_members_start_review_create               ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_submit_for_admission_create       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_members_counts_retrieve                   ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_motions_list                              ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_motions_create                            ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_motions_retrieve                          ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_motions_attachments_create                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_motions_close_create                      ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_motions_open_create                       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_motions_votes_create                      403      403      ok       ok       403      403      403      403      anon     404  # only council seats vote (DESIGN 1)
v1_alliances_notifications_list                        ok       ok       ok       ok       ok       ok       ok       ok       anon     404  # each caller's own inbox
v1_alliances_notifications_read_create                 404      404      ok       404      404      404      404      403      anon     404  # council-1's own notification; others' are 404
v1_alliances_projects_list                             ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_projects_create                           ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_retrieve                         ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_partial_update                   ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_acceptance_create                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_acceptance_panel_create          ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_budget_vs_actual_retrieve        ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_close_create                     ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_history_list                     ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_ip_agreement_retrieve            ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_ip_agreement_update              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_refer_bureau_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_refer_council_create             ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_request_acceptance_create        ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_return_create                    ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_review_create                    ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_start_create                     ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_submit_create                    ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_versions_list                    ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_adjustments_list                 ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_adjustments_create               ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_adjustments_retrieve             ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_adjustments_execute_create       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_adjustments_refer_bureau_create  ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_budget_lines_list                ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_budget_lines_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_budget_lines_retrieve            ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_budget_lines_destroy             ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_documents_list                   ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_documents_create                 ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_documents_retrieve               ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_expenses_list                    ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_expenses_create                  ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_expenses_retrieve                ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_milestones_list                  ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_milestones_create                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_milestones_retrieve              ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_milestones_destroy               ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_milestones_report_create         ok       ok       403      403      403      404      403      403      anon     404
v1_alliances_projects_participants_list                ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_participants_create              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_participants_retrieve            ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_participants_partial_update      ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_participants_destroy             ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_participants_withdraw_create     ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_projects_results_list                     ok       ok       ok       ok       ok       404      ok       ok       anon     404
v1_alliances_projects_results_retrieve                 ok       ok       ok       ok       ok       ok       ok       ok       anon     404  # every demo result is of a project rep-1's unit takes part in
v1_alliances_resolutions_list                          ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_resolutions_retrieve                      ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_resolutions_pdf_retrieve                  ok       ok       ok       ok       ok       ok       ok       ok       anon     404  # signed resolution: whoever reads it
v1_alliances_roles_list                                ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_roles_create                              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_roles_retrieve                            ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_roles_revoke_create                       ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_roles_deactivate_create                   ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_sealed_results_list                       ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_sealed_results_retrieve                   ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_seats_list                                ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_seats_create                              ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_seats_retrieve                            ok       ok       ok       ok       ok       ok       ok       ok       anon     404
v1_alliances_submissions_list                          ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_submissions_create                        ok       ok       403      ok       403      403      403      403      anon     404
v1_alliances_submissions_retrieve                      ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_submissions_partial_update                ok       ok       403      403      403      403      403      403      anon     404
v1_alliances_submissions_document_retrieve             ok       ok       ok       ok       403      403      ok       ok       anon     404
v1_alliances_submissions_decisions_pdf_retrieve        ok       ok       ok       ok       403      403      ok       ok       anon     404  # the bureau's signed decision: whoever reads the submission
v1_alliances_submissions_submit_create                 403      ok       403      403      403      403      403      403      anon     404
v1_auth_token_create                                   ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
v1_auth_token_destroy                                  ok       ok       ok       ok       ok       ok       ok       ok       anon     ok       # every person revokes their own token
v1_me_calendar_retrieve                                ok       ok       ok       ok       ok       ok       ok       ok       anon     ok       # the caller's own feed URL
v1_me_calendar_create                                  ok       ok       ok       ok       ok       ok       ok       ok       anon     ok       # a new feed token: the caller's own
v1_bureau_alliances_list                               403      403      403      403      403      403      403      ok       anon     403
v1_bureau_submissions_list                             403      403      403      403      403      403      403      ok       anon     403
v1_bureau_submissions_retrieve                         403      403      403      403      403      403      403      ok       anon     403
v1_bureau_submissions_decide_create                    403      403      403      403      403      403      403      ok       anon     403
v1_bureau_submissions_document_retrieve                403      403      403      403      403      403      403      ok       anon     403
v1_bureau_submissions_decisions_pdf_retrieve           403      403      403      403      403      403      403      ok       anon     403
v1_bureau_reviews_list                                 403      403      403      403      403      403      403      ok       anon     403  # the staged review: bureau officers (each office's acts checked by the service, tests/bureau/test_review.py) and the invited experts of its pool
v1_bureau_reviews_retrieve                             403      403      403      403      403      403      403      ok       anon     403
v1_bureau_reviews_decide_create                        403      403      403      403      403      403      403      ok       anon     403
v1_bureau_reviews_experts_create                       403      403      403      403      403      403      403      ok       anon     403
v1_bureau_reviews_opinion_create                       403      403      403      403      403      403      403      ok       anon     403
v1_bureau_reviews_confirm_create                       403      403      403      403      403      403      403      ok       anon     403
v1_bureau_reviews_filing_create                        403      403      403      403      403      403      403      ok       anon     403
v1_bureau_lists_list                                   403      403      403      403      403      403      403      ok       anon     403
v1_bureau_lists_create                                 403      403      403      403      403      403      403      ok       anon     403
v1_bureau_lists_retrieve                               403      403      403      403      403      403      403      ok       anon     403
v1_bureau_lists_notice_retrieve                        403      403      403      403      403      403      403      ok       anon     403
""")


# Page routes as Django writes them ("/" is the site root).
PAGES = parse("""
route                                                                    sec      sg       council  chair    expert   rep      auditor  bureau   anon     other
/                                                                        ok       ok       ok       ok       ok       ok       ok       ok       login    ok
accounts/login/                                                          ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
accounts/logout/                                                         ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
accounts/password-reset/                                                 ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
accounts/password-reset/done/                                            ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
accounts/set-password/<uidb64>/<token>/                                  ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
accounts/notifications/                                                  ok       ok       ok       ok       ok       ok       ok       ok       login    ok       # one's own notice settings
accounts/calendar/                                                       ok       ok       ok       ok       ok       ok       ok       ok       login    ok       # one's own feed URL
calendar/<feedtoken:token>.ics                                           404      404      404      404      404      404      404      404      404      404      # the secret token is the key, not a session: an unknown one is a 404 for all
unsubscribe/<signedtoken:token>/                                         404      404      404      404      404      404      404      404      404      404      # the signed link is the key, not a session: a forged one is a 404 for all
platform/alliances/new/                                                  403      403      403      403      403      403      403      403      login    403
platform/alliances/<slug:slug>/secretary-general/                        403      403      403      403      403      403      403      403      login    403  # platform administrators only (issue 14 point 3)
a/<slug:slug>/                                                           ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/people/                                                    ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/people/grants/<id:pk>/revoke/                             ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/people/<id:user_id>/deactivate/                           ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/activity/                                                  ok       ok       403      403      403      403      ok       403      login    404  # the activity log: the secretariat and the auditor
a/<slug:slug>/outbox/                                                    ok       ok       403      403      403      403      403      403      login    404  # undelivered e-mail: the secretariat's
a/<slug:slug>/outbox/<id:pk>/retry/                                     ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/integrity/                                                 ok       ok       ok       ok       403      403      ok       ok       login    404  # chains, checkpoints, verification: who reads the ledger, and the bureau
a/<slug:slug>/jobs/                                                      ok       ok       403      403      403      403      403      403      login    404  # long jobs and their errors: the secretariat's
a/<slug:slug>/jobs/<id:pk>/                                              ok       ok       ok       ok       404      404      ok       ok       login    404  # an auditor export: who reads the ledger, and the bureau; others do not see it
a/<slug:slug>/jobs/<id:pk>/status/                                       ok       ok       ok       ok       404      404      ok       ok       login    404
a/<slug:slug>/jobs/<id:pk>/file/                                         ok       ok       ok       ok       404      404      ok       ok       login    404
a/<slug:slug>/members/                                                   ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/members/new/                                               ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/members/export.xlsx                                        ok       ok       ok       ok       ok       403      ok       ok       login    404  # the whole directory: not for a representative
a/<slug:slug>/members/import/                                            ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/members/application-form/                                  ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/members/portal/                                            ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/members/<id:pk>/                                          ok       ok       ok       ok       ok       404      ok       ok       login    404
a/<slug:slug>/members/<id:pk>/edit/                                     ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/members/<id:pk>/accession/pdf/                            ok       ok       ok       ok       ok       404      ok       ok       login    404  # signed accession record: whoever reads the unit
a/<slug:slug>/members/<id:pk>/<slug:act>/                               ok       ok       403      403      403      403      403      403      login    404  # propose-expulsion: secretariat (role checked before the unit)
a/<slug:slug>/join/                                                      ok       ok       ok       ok       ok       ok       ok       ok       ok       ok
a/<slug:slug>/motions/                                                   ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/motions/export.xlsx                                        ok       ok       ok       ok       ok       ok       ok       ok       login    404  # what the motions page lists: motions for council papers readers, resolutions for the rest
a/<slug:slug>/motions/new/                                               ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/motions/<id:pk>/                                          ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/motions/<id:pk>/attachments/<id:attachment_id>/        ok       ok       ok       ok       403      403      ok       ok       login    404  # a motion's papers: whoever reads the motion
a/<slug:slug>/motions/<id:pk>/vote/                                     403      403      ok       ok       403      403      403      403      login    404
a/<slug:slug>/motions/<id:pk>/attach/                                   ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/motions/<id:pk>/open/                                     ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/motions/<id:pk>/close/                                    ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/results/                                                   ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/resolutions/<id:pk>/                                      ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/resolutions/<id:pk>/pdf/                                  ok       ok       ok       ok       ok       ok       ok       ok       login    404  # signed resolution: whoever reads it
a/<slug:slug>/meetings/                                                  ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/meetings/export.xlsx                                       ok       ok       ok       ok       403      403      ok       ok       login    404  # as the meetings page
a/<slug:slug>/meetings/<id:pk>/                                         ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/meetings/<id:pk>/minutes/pdf/                             ok       ok       ok       ok       403      403      ok       ok       login    404  # signed minutes: whoever reads the meeting
a/<slug:slug>/consultations/                                             ok       ok       ok       ok       ok       403      403      ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/consultations/<id:pk>/                                    ok       ok       ok       ok       404      403      403      ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/consultations/<id:pk>/documents/<id:document_id>/      ok       ok       ok       ok       404      403      403      ok       login    404  # whoever reads the consultation
a/<slug:slug>/inbox/                                                     ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/agreement/                                                 ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/agreement/draft/                                           ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/agreement/versions/<id:number>/                            ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/finance/                                                   ok       ok       ok       ok       403      ok       ok       ok       login    404
a/<slug:slug>/finance/entries/                                           ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/entries/export.xlsx                                ok       ok       ok       ok       403      403      ok       ok       login    404  # as the journal page
a/<slug:slug>/finance/entries/new/                                       ok       ok       403      403      403      403      403      403      login    404  # the secretariat's form: the bureau never edits (DESIGN 1); was open to it
a/<slug:slug>/finance/entries/<id:pk>/                                  ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/entries/<id:pk>/attachments/<id:attachment_id>/  ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/approvals/                                         ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/accounts/                                          ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/accounts/export.xlsx                               ok       ok       ok       ok       403      403      ok       ok       login    404  # the trial balance: as the accounts page
a/<slug:slug>/finance/general-ledger/                                    ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/periods/                                           ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/contributions/                                     ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/statements/<id:unit_id>/                          ok       ok       ok       ok       403      404      ok       ok       login    404
a/<slug:slug>/finance/projects/<id:project_id>/budget/                  ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/auditor-export/                                    ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/reports/balance-sheet/                                 ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/reports/activities/                                    ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/finance/reports/cash-flow/                                     ok       ok       ok       ok       403      403      ok       ok       login    404
a/<slug:slug>/projects/                                                  ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/projects/export.xlsx                                       ok       ok       ok       ok       ok       ok       ok       ok       login    404  # as the project list (a representative: their unit's projects)
a/<slug:slug>/projects/new/                                              ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/projects/<id:pk>/                                         ok       ok       ok       ok       ok       404      ok       ok       login    404
a/<slug:slug>/projects/<id:pk>/documents/<id:document_id>/           ok       ok       ok       ok       ok       404      ok       ok       login    404  # whoever sees the project
a/<slug:slug>/projects/<id:pk>/act/                                     ok       ok       403      403      403      404      403      403      login    404
a/<slug:slug>/projects/<id:pk>/acceptance/                              ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/ip/                                                        ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/ip/new/                                                    ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/ip/export.xlsx                                             ok       ok       ok       ok       ok       ok       ok       ok       login    404
a/<slug:slug>/ip/<id:pk>/                                               ok       ok       ok       ok       ok       404      ok       ok       login    404
a/<slug:slug>/ip/<id:pk>/licences/new/                                  ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/ip/<id:pk>/receipts/new/                                  ok       ok       403      403      403      403      403      403      login    404
a/<slug:slug>/submissions/                                               ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/submissions/<id:pk>/                                      ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/submissions/<id:pk>/submit/                               403      ok       403      403      403      403      403      403      login    404
a/<slug:slug>/submissions/<id:pk>/document/                             ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau reads what the API lets it read (one rule: access.may_read)
a/<slug:slug>/submissions/<id:pk>/decisions/<id:decision_id>/pdf/      ok       ok       ok       ok       403      403      ok       ok       login    404  # the bureau's signed decision: whoever reads the submission
a/<slug:slug>/submissions/<id:pk>/decisions/<id:decision_id>/form/     ok       ok       ok       ok       403      403      ok       ok       login    404  # 附件4 审核意见表: as the decision
bureau/                                                                  403      403      403      403      403      403      403      ok       login    403
bureau/submissions/                                                      403      403      403      403      403      403      403      ok       login    403
bureau/submissions/<id:pk>/                                             403      403      403      403      403      403      403      ok       login    403
bureau/submissions/<id:pk>/document/                                    403      403      403      403      403      403      403      ok       login    403
bureau/submissions/<id:pk>/decisions/<id:decision_id>/pdf/              403      403      403      403      403      403      403      ok       login    403
bureau/submissions/<id:pk>/decisions/<id:decision_id>/form/             403      403      403      403      403      403      403      ok       login    403
bureau/reviews/                                                          403      403      403      403      403      403      403      ok       login    403
bureau/reviews/<id:pk>/                                                  403      403      403      403      403      403      403      ok       login    403
bureau/lists/<id:pk>/notice/                                             403      403      403      403      403      403      403      ok       login    403
""")
