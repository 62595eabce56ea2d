// included through -I (include_dirs): a localparam and a macro
localparam STEP = `STEP_BASE + 2;
