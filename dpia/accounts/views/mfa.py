"""MFA pages: the second-factor step at sign-in, enrolment, and the gate that keeps staff who must
enrol from anything else until they have."""

from __future__ import annotations
