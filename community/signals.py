"""Domain signals of the community app, for the apps that build on it.

`community` imports none of the live apps (docs/architecture.md); they learn what happened
here by connecting to these signals in their `AppConfig.ready()`. Each is sent inside the
service's transaction, so a receiver's writes (a notification, its outbox rows) commit or
roll back with the change itself.
"""

from django.dispatch import Signal

# kwargs: organisation, reviewer, published (bool), reason ("" when published)
organisation_reviewed = Signal()

# kwargs: invitation, inviter, url (the one-time acceptance link)
organisation_invited = Signal()

# kwargs: seed (int), today (date), progress (callable taking a line of text). Sent by
# `manage.py seed_demo` after the community's demo data is written, so the live apps can add
# theirs (listings, conversations) on top without community importing them.
demo_seeded = Signal()

# kwargs: partnership. Sent by partnership_create (the forums app opens its forum).
partnership_created = Signal()

# kwargs: partnership, organisation. Sent by partnership_remove_member (the forums app ends
# the live subscriptions of that organisation's people to the partnership's forum).
partnership_member_removed = Signal()

# kwargs: organisation, user. Sent by membership_remove, membership_leave and
# organisation_delete (once per member) when a person stops being a member of an organisation
# (the forums app ends their live subscriptions to the forums they read through it).
organisation_member_removed = Signal()
