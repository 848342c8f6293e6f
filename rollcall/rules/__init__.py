"""Pure domain rules for Roll Call.

Everything in this package is plain Python over plain values: dates, strings, frozen dataclasses,
enums and tuples. Nothing here imports Django or touches a database, and nothing reads the clock:
"today" is always a parameter. The Django side stores each council's settings (term dates,
timescales) and passes them in.

Modules:

- ``calendar``: the school-day calendar (term dates, INSET days, bank holidays).
- ``deadlines``: statutory and local deadlines counted in school days.
- ``escalation``: the escalation ladder for overdue work.
- ``removal``: the 15 grounds for deleting a pupil from the admission register and the
  lawfulness check a council runs on each deletion return.
- ``upn``: Unique Pupil Number validation.
- ``age``: compulsory school age.
- ``workflow``: each case kind's statuses and transitions, as data, and one transition check.
- ``actionplans``: ombudsman action-plan statuses, risk ratings, overdue and escalation days.
- ``attendance``: the national attendance codes, the compact marks string, and the facts and
  triggers (illness, missing, ground (i), possibly left, persistent/severe) derived from it.
- ``exclusions``: suspensions and permanent exclusions: days per term, the council's
  notifications, the governing board's and the review's deadlines, the sixth school day.
- ``penalties``: the penalty-notice threshold over a rolling window of school weeks, notice
  amounts, payment periods and the look-back period.
"""
