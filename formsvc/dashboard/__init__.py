"""The 集計 dashboard: what front-yard reform (自治体フロントヤード改革) is measured by.

Per procedure and month: applications by channel and the online share (オンライン化率), processing
time, time waiting in each status, correction and rejection rates, counter visits and where
residents abandon applications. For administrators and managers (管理職); read-only except for the
paper application counts, which only exist on paper and are typed in by an administrator.
"""
