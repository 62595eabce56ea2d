// expect: pass
// multiclock: on
// cover: 6
// Two unrelated clocks (clk2fflogic, as SBY with `multiclock on`): a toggle
// flop in each domain, and a slow-domain sample that only ever sees values
// the fast domain held. Checks $stable across fast-domain edges.
module two_clocks (
    input  logic clk_a,
    input  logic clk_b
);
    logic [3:0] a = 4'd0;
    logic [3:0] b = 4'd0;
    always_ff @(posedge clk_a) a <= a + 4'd2;          // always even
    always_ff @(posedge clk_b) b <= a;                 // samples the other domain

    always_comb assert (a[0] == 1'b0);
    always_comb assert (b[0] == 1'b0);
    always_comb cover (b == 4'd6);
endmodule
