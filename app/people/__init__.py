"""People: the staff's pages for administrations and officers (lists, invitations, CSV enrolment, a person's record).

Apart from `auth` (accounts, sessions, passwords, login), because these pages sit on top: they ask
the policy who may manage whom and show the directorate's record of an officer.
"""
