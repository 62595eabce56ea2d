// expect: fail depth=2
// multiclock: on
// Two independent clocks (issue 12): qa samples d on clka, qb samples qa on clkb. Checked with
// independent clocks (--multiclock, SBY's `multiclock on`) the assertion fails as soon as qa moves on a
// clka edge without a clkb edge. Lowered with every flip-flop stepping at every step (yosys' default
// without clk2fflogic, SBY without `multiclock on`) qb always holds the previous qa and the assertion
// PASSES: that model is only reached with --clocks-together; without either flag, several clocks are an
// error (tests/test_yosys_hazards.py).
module two_clock_past(input clka, input clkb, input [3:0] d);
    reg [3:0] qa = 4'd0;
    reg [3:0] qb = 4'd0;
    always @(posedge clka) qa <= d;
    always @(posedge clkb) qb <= qa;
    (* gclk *) reg gclk;   // the formal global clock: one tick per step
    always @(posedge gclk) assert ($initstate || qb == $past(qa));
endmodule
