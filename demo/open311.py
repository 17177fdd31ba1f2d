"""The demo county's Open311 client: the well-known key ``lingyan-demo-open311`` (README),
and — once the services demo has filled the catalogue — a few dozen requests it posted over
the last weeks through the real path (``open311.domain.submissions.post_request``), some of
them already dispatched by 大坝村, accepted and finished by 旗农牧局 with the demo logins, so
that the Open311 GETs show open and closed requests. Deterministic from the seed."""

import random
from collections import Counter
from datetime import datetime, timedelta

from accounts.models import User
from open311.domain import public
from open311.domain.keys import issue_key
from open311.domain.submissions import PostInput, post_request
from open311.models import ApiKey
from orgs.models import Region
from services.domain import requests as flow
from services.models import ServiceRequest

DEMO_KEY = "lingyan-demo-open311"
CLIENT = "青山随手拍（演示客户端）"
REQUESTS = 36
PLACES = ["村委会门口", "村部广场东侧", "小学路口", "卫生室旁", "文化活动室", "牧业合作社"]
TEXTS = [
    "家中老人行动不便，想请村里帮忙代办。",
    "需要了解办理所需材料和时限。",
    "材料已准备好，请安排时间上门。",
    "上次咨询后一直没有回复，请跟进。",
]


def load_open311(county: Region, seed: int, now: datetime) -> Counter[str]:
    """Issue the demo key to the demo client of ``county`` and post its requests."""
    rows: Counter[str] = Counter()
    api_key = issue_key(None, county, CLIENT, "演示用", key=DEMO_KEY).api_key
    rows[ApiKey._meta.db_table] += 1
    items = list(public.items(county))
    if not items:
        return rows  # no catalogue (the services demo did not run): the key only
    rng = random.Random(f"{seed}-open311")
    villages = list(public.villages(county))
    branch = User.objects.filter(username="demo-branch").first()
    unit_user = User.objects.filter(username="demo-unit").first()
    home = branch.assignments.get().region if branch else None
    unit = unit_user.assignments.get().unit if unit_user else None
    for number in range(REQUESTS):
        village = home if home is not None and number % 3 == 0 else rng.choice(villages)
        item = rng.choice(items)
        submission = post_request(
            api_key,
            county,
            PostInput(
                service_code=item.code,
                address_string=rng.choice(PLACES),
                lat=f"{42.9 + rng.random() / 5:.6f}",
                long=f"{121.6 + rng.random() / 5:.6f}",
                description=f"{item.name}：{rng.choice(TEXTS)}",
                phone=f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
                attributes={public.VILLAGE_ATTRIBUTE: [village.code]},
            ),
        )
        request = submission.request
        age = timedelta(days=rng.randrange(0, 80), hours=rng.randrange(0, 24))
        ServiceRequest.objects.filter(pk=request.pk).update(
            submitted_at=now - age,
            updated_at=now - age,
            due_at=now - age + (request.due_at - request.submitted_at),
        )
        request.refresh_from_db()
        if village == home and unit is not None and branch is not None and number % 2 == 0:
            flow.dispatch(branch, request, unit)
            flow.accept(unit_user, request)
            if number % 4 == 0:
                flow.finish(unit_user, request, "已按规定办结。")
        rows[ServiceRequest._meta.db_table] += 1
    return rows
