"""The reference lists' pages for policy administrators: browse, import with a preview, history."""
