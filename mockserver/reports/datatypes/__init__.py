"""One module per report data type, each declaring a :class:`~mockserver.reports.datatype.DataType` as ``REPORT``.

The registry (``mockserver.reports.registry.REPORTS``) names each after the contract's dataType. To add one, copy the
shape of ``wallets`` (a row class, a ``plan`` generating an account's rows day by day, CSV columns, an optional PDF
layout, words in every language) and add its line to the registry.
"""
