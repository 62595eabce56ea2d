// expect: fail depth=8
// An asynchronously reset saturating counter (async2sync, as SBY does without
// multiclock). The bug: it saturates at 6 but the property says 5.
module async_reset_bug (
    input  logic       clk,
    input  logic       rst_n,
    input  logic       inc,
    output logic [2:0] level
);
    always_ff @(posedge clk or negedge rst_n) begin
        if (!rst_n)                  level <= 3'd0;
        else if (inc && level != 3'd6) level <= level + 3'd1;
    end

    initial assume (!rst_n);
    always_comb assume (inc);
    always_ff @(posedge clk) if (rst_n) assert (level <= 3'd5);
endmodule
