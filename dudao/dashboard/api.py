"""GET /api/v1/me/tasks: the user's to-do list, the same as the home page (工作台), for the tablet app and for
office messaging."""

import datetime

from ninja import Field, Router, Schema

from dudao.dashboard.selectors.todos import my_todos

router = Router(tags=["工作台"])


class TodoOut(Schema):
    kind: str = Field(description="待办类别，如 rectification.notice_sign")
    title: str = Field(description="要做的事，如“签收整改通知书”")
    object: str = Field(description="涉及的对象")
    due: datetime.date | None = Field(description="期限（北京时间日期）；无期限为空")
    urgency: str = Field(description="overdue 已逾期 / soon 即将到期（天数为所在地区的设置，默认 3 天）/ later 其他")
    url: str = Field(description="办理页面（站内路径）")


@router.get("/me/tasks", response=list[TodoOut], summary="我的待办（与工作台相同）",
            description="与工作台的待办列表相同：按紧急程度（已逾期、即将到期、其他）再按期限排序，同一事项只列一次；"
                        "每类待办最多列出前 20 项（按期限），其余在工作台上显示为“另有 k 项”。")
def my_tasks(request):
    return [TodoOut(kind=r.todo.kind, title=r.todo.title, object=r.todo.object, due=r.todo.due, urgency=r.urgency,
                    url=r.todo.url) for r in my_todos(request.user)]
