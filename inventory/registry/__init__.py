"""Model registry sync: a component linked to a model in an MLflow model registry, read on a
schedule; a new version, or an alias or stage that moved, is reported as an observed model
change of the component (inventory.vendor_changes.component_report_identifier), once."""
