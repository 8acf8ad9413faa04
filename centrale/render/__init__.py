"""DataFrames -> what people look at: plotly figures, the offline province map and Excel
workbooks, in French with Belgian formats. Pure functions: no store, no Streamlit."""
