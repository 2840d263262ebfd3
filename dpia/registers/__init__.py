"""Registers across assessments: the retention schedule and the access rules of every assessment a
person may see, with filters and CSV exports. The public retention register is publication's."""
