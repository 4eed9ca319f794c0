-- The body responsible for a criterion's area (issue 14): the optional `responsible`
-- column of the criteria CSV, e.g. "Sở Tư pháp" for legal documents. The report of
-- criteria below maximum names it beside each criterion. NULL: none given (a node
-- without one takes its nearest ancestor's).
ALTER TABLE criteria_nodes ADD COLUMN responsible TEXT;
