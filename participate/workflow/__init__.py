"""The one moderation lifecycle mechanism shared by everything residents submit.

A feature declares its state machine as a `Workflow` (a table of allowed transitions),
mixes `ModeratedMixin` into its model, and calls `apply_action`. Every transition is checked
against the table (an illegal one raises `InvalidTransition`, never passes silently) and
recorded in `transitions` (who, when, from, to, why). The moderator's desk
(`participate.moderation`) builds decisions, e-mails and the audit log on top of this.
"""
