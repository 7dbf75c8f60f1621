"""Render chat records as WeChatMsg / MemoTrace's CSV of one chat, as its exporter writes it.

Records follow `tests.exporters._json_records.ChatRecord`. The output is ``消息ID,类型,发送人,时间,
内容,备注,昵称,更多信息`` in UTF-8 with a byte-order mark: a row a record, its time to the second, a
"media" record a photo (``图片``, ``【图片】``), a "deleted" one WeChat's recall notice by its writer
(``"Name" 撤回了一条消息``, a ``系统消息``). The file is named after the contact, in a folder
``<contact>(wxid_…)``, as the exporter lays a chat out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from tests.exporters._json_records import ChatRecord


def render_wechat_csv(records: Sequence[ChatRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息"])
    for k, r in enumerate(records, 1):
        stamp = r.ts.strftime("%Y-%m-%d %H:%M:%S")
        if r.kind == "deleted":
            writer.writerow([k, "系统消息", "", stamp, f'"{r.author}" 撤回了一条消息', "", "", "more"])
        elif r.kind == "media":
            writer.writerow([k, "图片", r.author, stamp, "【图片】", r.author, r.author, "more"])
        else:
            writer.writerow([k, "文本", r.author, stamp, r.text, r.author, r.author, "more"])
    return "\ufeff" + out.getvalue()
