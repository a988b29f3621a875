"""Strategy map (advice 3-4): company strategy, CRM objectives, initiatives and enablers, linked
so every initiative supports an objective; the rules checked live, the impact questions, the
company strategy's constraints, and initiatives by value against effort."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.models import LIFECYCLE_STAGES
from crmstrategy.core.charts import chart_png, chart_spec, chart_svg
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.strategy.charts import strategy_map_chart, value_effort_chart
from crmstrategy.strategy.models import (
    CONSTRAINT_KINDS,
    LINK_RULES,
    NODE_KIND_LABELS,
    NODE_KIND_NOUNS,
    MapNodeCreate,
    StrategyConstraintCreate,
)
from crmstrategy.strategy.strategy_graph import (
    MAP_ADVICE_HIGH,
    MAP_ADVICE_LOW,
    allowed_links,
    at_risk_if_slips,
    feeds,
    is_quick_win,
    needs_enabler,
    value_effort_ranking,
)
from crmstrategy.strategy.strategy_map import (
    add_constraint,
    add_link,
    create_node,
    delete_constraint,
    delete_node,
    deletion_impact,
    remove_link,
    strategy_map,
    update_node,
)
from crmstrategy.ui.actions import act, clear_form, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import download_file_name, step_footer, workbench_page
from crmstrategy.ui.widgets import cached_chart_spec

ws = workbench_page("Strategy map")
wkey = workspace_keys(ws.id)
LIMITS = {field: text_limit(MapNodeCreate, field) for field in ("name", "owner", "description", "channel")}

st.title("Strategy map")
st.caption(
    f"Keep it simple, with clear lines: the {MAP_ADVICE_LOW}-{MAP_ADVICE_HIGH} most important "
    "objectives and initiatives, every initiative supporting an objective, every objective supporting the "
    "company strategy, and the enablers each initiative needs (such as a CRM platform that joins up all "
    "touchpoints)."
)
show_flash("map")

smap = read(strategy_map, workspace_id=ws.id)
nodes = smap.nodes
SCALE = [None, 1, 2, 3, 4, 5]


def label(node_id: int) -> str:
    node = nodes[node_id]
    return f"{node.name} · {NODE_KIND_NOUNS[node.kind]}"


if not nodes:
    st.info(
        "The map is empty. Start at the top: add one or two elements of the company strategy (what the "
        "overall strategy wants, e.g. 'Grow with existing customers'), then the CRM objectives that support "
        "them, then the initiatives and enablers. Use **Elements** below."
    )
else:

    def map_chart(width=None):
        return strategy_map_chart(nodes, smap.links, smap.positions, smap.breached_nodes(), width=width)

    map_spec = cached_chart_spec(
        "strategy map",
        lambda: chart_spec(map_chart("container")),
        sorted(nodes.items()),
        smap.links,
        sorted(smap.positions.items()),
        sorted(smap.breached_nodes()),
    )
    st.vega_lite_chart(map_spec, theme=None, width="stretch", key=wkey("map_chart"))
    d1, d2, _ = st.columns([1, 1, 3])
    # The files are drawn at a fixed size, and only when asked for
    d1.download_button(
        "Map (.png)",
        key=wkey("map_png"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: chart_png(map_chart()),
        file_name=download_file_name("strategy-map", "png"),
        mime="image/png",
    )
    d2.download_button(
        "Map (.svg)",
        key=wkey("map_svg"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: chart_svg(map_chart()),
        file_name=download_file_name("strategy-map", "svg"),
        mime="image/svg+xml",
    )

    st.header("Rules", anchor=False)
    if not smap.of_kind("objective") or not smap.of_kind("initiative"):
        st.info(
            "The rules check the lines between objectives and initiatives: add both, and link them.",
            icon=":material/info:",
        )
    elif not smap.breaches:
        st.success(
            "The map keeps every rule: each initiative supports an objective, each objective has initiatives "
            "and a measurable goal, no cycles, every element has an owner.",
            icon=":material/verified:",
        )
    for breach in smap.breaches:
        colour = "orange" if breach.severity == "advice" else "red"
        with st.container(border=True):
            st.markdown(f":{colour}-badge[{breach.severity}] **{breach.rule}**")
            st.text(breach.message)

elements_tab, links_tab, questions_tab, constraints_tab, value_tab = st.tabs(
    ["Elements", "Links", "What depends on what", "Constraints", "Value against effort"], key=wkey("map_tabs")
)

with elements_tab:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Add an element**")
        kind = st.selectbox("Kind", list(NODE_KIND_LABELS), key=wkey("map_new_kind"), format_func=NODE_KIND_LABELS.get)
        with st.form("map_new_node", border=True):
            name = st.text_input("Name", key=wkey("map_new_name"), max_chars=LIMITS["name"])
            owner = st.text_input("Owner (one person)", key=wkey("map_new_owner"), max_chars=LIMITS["owner"])
            description = st.text_area(
                "Description", key=wkey("map_new_description"), height=80, max_chars=LIMITS["description"]
            )
            extra = {}
            if kind == "initiative":
                c1, c2 = st.columns(2)
                extra["business_value"] = c1.select_slider(
                    "Business value",
                    SCALE,
                    value=None,
                    key=wkey("map_new_value"),
                    format_func=lambda v: "–" if v is None else str(v),
                )
                extra["complexity"] = c2.select_slider(
                    "Complexity",
                    SCALE,
                    value=None,
                    key=wkey("map_new_complexity"),
                    format_func=lambda v: "–" if v is None else str(v),
                )
                extra["time_effort"] = c1.select_slider(
                    "Time",
                    SCALE,
                    value=None,
                    key=wkey("map_new_time"),
                    format_func=lambda v: "–" if v is None else str(v),
                )
                extra["cost"] = c2.select_slider(
                    "Cost",
                    SCALE,
                    value=None,
                    key=wkey("map_new_cost"),
                    format_func=lambda v: "–" if v is None else str(v),
                )
                extra["lifecycle_stage"] = c1.selectbox(
                    "Lifecycle stage",
                    [None, *LIFECYCLE_STAGES],
                    key=wkey("map_new_stage"),
                    format_func=lambda v: "–" if v is None else v,
                )
                extra["channel"] = c2.text_input("Channel", key=wkey("map_new_channel"), max_chars=LIMITS["channel"])
            add = st.form_submit_button("Add to the map", type="primary", key=wkey("map_new_submit"))
        add_problems = st.container()
        if add:
            created = act(
                create_node,
                workspace_id=ws.id,
                where=add_problems,
                data={"kind": kind, "name": name, "owner": owner, "description": description} | extra,
            )
            if created:
                clear_form(
                    {"map_new_name": "", "map_new_owner": "", "map_new_description": "", "map_new_channel": ""},
                    key=wkey,
                )
                flash("map", f"Added '{created.name}'. Link it under Links.")
                st.rerun()
    with right:
        st.markdown("**Edit or delete an element**")
        if not nodes:
            st.caption("Nothing on the map yet.")
        else:
            chosen = st.selectbox("Element", list(nodes), key=wkey("map_edit_node"), format_func=label)
            node = nodes[chosen]
            scoped, drawn = edit_scope("map_edit", ws.id, chosen, node.version)
            with st.form(scoped, border=True):
                new_name = st.text_input("Name", value=node.name, key=f"{scoped}_name", max_chars=LIMITS["name"])
                new_owner = st.text_input("Owner", value=node.owner, key=f"{scoped}_owner", max_chars=LIMITS["owner"])
                new_description = st.text_area(
                    "Description",
                    value=node.description,
                    height=80,
                    key=f"{scoped}_description",
                    max_chars=LIMITS["description"],
                )
                changes = {"name": new_name, "owner": new_owner, "description": new_description}
                if node.kind == "initiative":
                    c1, c2 = st.columns(2)
                    for column, field, text in (
                        (c1, "business_value", "Business value"),
                        (c2, "complexity", "Complexity"),
                        (c1, "time_effort", "Time"),
                        (c2, "cost", "Cost"),
                    ):
                        changes[field] = column.select_slider(
                            text,
                            SCALE,
                            value=getattr(node, field),
                            key=f"{scoped}_{field}",
                            format_func=lambda v: "–" if v is None else str(v),
                        )
                    changes["lifecycle_stage"] = c1.selectbox(
                        "Lifecycle stage",
                        [None, *LIFECYCLE_STAGES],
                        key=f"{scoped}_stage",
                        index=[None, *LIFECYCLE_STAGES].index(node.lifecycle_stage),
                        format_func=lambda v: "–" if v is None else v,
                    )
                    changes["channel"] = c2.text_input(
                        "Channel", value=node.channel or "", max_chars=LIMITS["channel"], key=f"{scoped}_channel"
                    )
                save = st.form_submit_button("Save changes", type="primary", key=f"{scoped}_submit")
            edit_problems = st.container()
            if save:
                if act(
                    update_node,
                    workspace_id=ws.id,
                    node_id=chosen,
                    changes=changes,
                    where=edit_problems,
                    version=drawn,
                    scope=("map_edit", ws.id, chosen),
                ):
                    flash("map", f"Saved '{new_name.strip()}'.")
                    st.rerun()
            for constraint in smap.constraints_of(chosen):
                st.caption(f":material/block: {md_escape(constraint.kind)}: {md_escape(constraint.text)}")
            impact = read(deletion_impact, workspace_id=ws.id, node_id=chosen)
            with st.expander(f"Delete '{md_escape(node.name)}'"):
                goes = []
                if impact.links:
                    goes.append(
                        f"{len(impact.links)} link{'s' if len(impact.links) != 1 else ''}: " + "; ".join(impact.links)
                    )
                if impact.goals:
                    goes.append(
                        f"{len(impact.goals)} goal{'s' if len(impact.goals) != 1 else ''} with their "
                        "milestones: " + "; ".join(impact.goals)
                    )
                st.text(
                    "Goes with it: "
                    + (" · ".join(goes) if goes else "nothing else.")
                    + (
                        f"\nConstraints that mention it keep their text: {len(impact.constraints)}."
                        if impact.constraints
                        else ""
                    )
                )
                if st.button("Delete for good", key=f"map_delete_{chosen}", type="primary"):
                    if (
                        act(
                            delete_node,
                            workspace_id=ws.id,
                            node_id=chosen,
                            version=drawn,
                            scope=("map_edit", ws.id, chosen),
                        )
                        is not None
                    ):
                        st.session_state.pop(wkey("map_edit_node"), None)
                        flash(
                            "map",
                            f"Deleted '{node.name}'" + (f" and {len(impact.links)} links." if impact.links else "."),
                        )
                        st.rerun()

with links_tab:
    st.write(f"A link goes from what supports to what it supports: {allowed_links()}.")
    if len(nodes) < 2:
        st.caption("Add at least two elements first.")
    else:
        supporters = [n for n in nodes if nodes[n].kind != "strategy"]
        c1, c2, c3 = st.columns([5, 5, 2], vertical_alignment="bottom")
        source = c1.selectbox("This element", supporters, key=wkey("map_link_source"), format_func=label)
        wanted = {b for (a, b) in LINK_RULES if a == nodes[source].kind} if source is not None else set()
        targets = [n for n in nodes if nodes[n].kind in wanted]
        target = c2.selectbox(
            "supports (or enables)",
            targets,
            key=wkey("map_link_target"),
            format_func=label,
            index=None,
            placeholder="Choose",
        )
        link_problems = st.container()
        if c3.button("Add link", key=wkey("map_link_add"), type="primary"):
            if act(add_link, workspace_id=ws.id, source_id=source, target_id=target, where=link_problems):
                flash("map", f"Linked '{nodes[source].name}' to '{nodes[target].name}'.")
                st.rerun()
    if smap.links:
        st.markdown("**Links on the map**")
        for source_id, target_id in sorted(smap.links, key=lambda st_: (nodes[st_[0]].kind, nodes[st_[0]].name)):
            c1, c2 = st.columns([10, 2], vertical_alignment="center")
            c1.text(f"{nodes[source_id].name}  →  {nodes[target_id].name}")
            if c2.button("Remove", key=f"map_unlink_{source_id}_{target_id}"):
                if act(remove_link, workspace_id=ws.id, source_id=source_id, target_id=target_id) is not None:
                    flash("map", "Removed the link.")
                    st.rerun()

with questions_tab:
    if not nodes:
        st.caption("Nothing on the map yet.")
    else:
        graph = smap.graph
        c1, c2, c3 = st.columns(3, gap="large")
        for column, kind, question, answer, empty in (
            (
                c1,
                "initiative",
                "If this initiative slips, what is at risk?",
                at_risk_if_slips,
                "Nothing depends on it: it supports no objective.",
            ),
            (c2, "objective", "What feeds this objective?", feeds, "Nothing feeds it yet."),
            (
                c3,
                "enabler",
                "Which initiatives and objectives need this enabler?",
                needs_enabler,
                "Nothing needs it yet.",
            ),
        ):
            with column:
                st.markdown(f"**{question}**")
                options = [n.id for n in smap.of_kind(kind)]
                if not options:
                    st.caption(f"No {NODE_KIND_NOUNS[kind]} on the map yet.")
                    continue
                picked = st.selectbox(
                    NODE_KIND_LABELS[kind],
                    options,
                    key=wkey(f"map_question_{kind}"),
                    format_func=lambda n: nodes[n].name,
                )
                found = answer(graph, picked)
                if not found:
                    st.info(empty)
                for node_id in found:
                    st.markdown(f"- {md_escape(nodes[node_id].name)} · *{NODE_KIND_LABELS[nodes[node_id].kind]}*")

with constraints_tab:
    st.write(
        "The company strategy also constrains CRM: the order of IT-platform work, market "
        "priorities, the product portfolio. Record them with the elements they constrain; they are shown "
        "beside those elements."
    )
    for constraint in smap.constraints:
        with st.container(border=True):
            c1, c2 = st.columns([10, 2], vertical_alignment="center")
            c1.markdown(f":violet-badge[{md_escape(constraint.kind)}] {md_escape(constraint.text)}")
            if constraint.node_ids:
                c1.caption("Constrains: " + md_escape(", ".join(nodes[n].name for n in constraint.node_ids)))
            if c2.button("Remove", key=f"map_constraint_remove_{constraint.id}"):
                if act(delete_constraint, workspace_id=ws.id, constraint_id=constraint.id) is not None:
                    flash("map", "Removed the constraint.")
                    st.rerun()
    with st.form("map_new_constraint", border=True):
        c1, c2 = st.columns([1, 2])
        constraint_kind = c1.selectbox("Kind", CONSTRAINT_KINDS, key=wkey("map_constraint_kind"))
        constrained = c2.multiselect("Constrains", list(nodes), key=wkey("map_constraint_nodes"), format_func=label)
        text = st.text_area(
            "What the company strategy requires or rules out",
            key=wkey("map_constraint_text"),
            height=80,
            max_chars=text_limit(StrategyConstraintCreate, "text"),
        )
        add_constraint_clicked = st.form_submit_button("Add constraint", key=wkey("map_constraint_submit"))
    constraint_problems = st.container()
    if add_constraint_clicked:
        if act(
            add_constraint,
            workspace_id=ws.id,
            where=constraint_problems,
            data={"kind": constraint_kind, "text": text, "node_ids": constrained},
        ):
            st.session_state.pop(wkey("map_constraint_text"), None)
            st.session_state.pop(wkey("map_constraint_nodes"), None)
            flash("map", "Added the constraint.")
            st.rerun()

with value_tab:
    initiatives = smap.of_kind("initiative")
    if not initiatives:
        st.caption("No initiatives on the map yet.")
    else:
        points = [
            {
                "Initiative": n.name,
                "Value": n.business_value,
                "Effort": n.effort,
                "Owner": n.owner or "–",
                "Quick win": "yes" if is_quick_win(n.business_value, n.effort) else "no",
            }
            for n in initiatives
            if n.business_value is not None and n.effort is not None
        ]
        c1, c2 = st.columns([3, 2], gap="large")
        with c1:
            value_spec = cached_chart_spec(
                "value against effort", lambda: chart_spec(value_effort_chart(points, width="container")), points
            )
            st.vega_lite_chart(value_spec, theme=None, width="stretch", key=wkey("map_value_chart"))
        with c2:
            st.markdown("**Ranked: most value per effort first**")
            ranked = value_effort_ranking([(n.id, n.business_value, n.effort) for n in initiatives])
            st.dataframe(
                pd.DataFrame(
                    {
                        "#": range(1, len(ranked) + 1),
                        "Initiative": [nodes[i].name for i in ranked],
                        "Value": [nodes[i].business_value for i in ranked],
                        "Effort": [None if nodes[i].effort is None else round(nodes[i].effort, 1) for i in ranked],
                        "Quick win": [
                            "yes" if is_quick_win(nodes[i].business_value, nodes[i].effort) else "" for i in ranked
                        ],
                    }
                ),
                hide_index=True,
                placeholder="",
                width="stretch",
                key=wkey("map_value_ranking"),
                column_config={
                    "#": st.column_config.NumberColumn(width="small"),
                    "Initiative": st.column_config.TextColumn(width="medium"),
                },
            )
            missing = [nodes[i].name for i in ranked if nodes[i].business_value is None or nodes[i].effort is None]
            if missing:
                st.caption("Not in the chart (value or effort missing): " + md_escape(", ".join(missing)) + ".")
        st.caption(
            "Effort is the mean of complexity, time and cost. Quick wins: business value above 3 and effort below 3."
        )

step_footer("Strategy map")
