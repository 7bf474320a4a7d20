"""The feedback API: a relationship's survey areas (versioned), its surveys, their invitations, the
responses (and a signed-in member's own), the results per area, and triage of what was raised into the
register (collected by ``accord.api.main``).

Every operation opens its records through the doors of ``feedback.access`` (the members of both sides
read; a facilitator or anyone else gets the one 404) and changes them through ``feedback.services``,
``feedback.answering`` and ``feedback.triage`` (who may is ``feedback.rules``' business: a visible record
the role may not change is a 403). A stale version is a 409 with the current record, as in every other
app's API. Names of respondents show as ``rules.shows_names`` says.
"""

from ninja import Router

from accord.feedback import api_answers, api_surveys

router = Router()
for part in (api_surveys, api_answers):
    router.add_router("", part.router)
