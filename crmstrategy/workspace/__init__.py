"""What spans the whole workspace: workspaces and what a new one starts with, the overview and
progress, the health check, the strategy document and the workspace file."""
