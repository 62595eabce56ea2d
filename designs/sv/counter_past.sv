// expect: pass
// cover: 0
// A wrapping counter with a synchronous reset; $past and $stable properties.
module counter_past (
    input  logic       clk,
    input  logic       rst,
    input  logic       en,
    output logic [3:0] count
);
    always_ff @(posedge clk) begin
        if (rst)      count <= 4'd0;
        else if (en)  count <= (count == 4'd9) ? 4'd0 : count + 4'd1;
    end

`ifdef FORMAL
    logic past_valid = 1'b0;
    always_ff @(posedge clk) past_valid <= 1'b1;
    initial assume (rst);
    always_ff @(posedge clk) begin
        if (past_valid && !$past(rst)) begin
            if (!$past(en)) assert ($stable(count));
            else assert (count == ($past(count) == 4'd9 ? 4'd0 : $past(count) + 4'd1));
        end
        if (past_valid && $past(rst)) assert (count == 4'd0);
    end
    always_comb if (past_valid) assert (count <= 4'd9);
    always_comb cover (count == 4'd9);
`endif
endmodule
