// expect: fail depth=1
// cover: 3
// A request/acknowledge handshake with two bugs: $past(ack) is free at step 0
// (no initial value), so the $fell check fails at step 1, and ack, driven from a
// stale copy of req, rises after req fell (step 6). $rose/$fell/$past, $anyseq.
module handshake_bug (
    input  logic clk
);
    logic req = 1'b0;
    logic ack = 1'b0;
    logic busy = 1'b0;
    logic go;
    assign go = $anyseq;

    always_ff @(posedge clk) begin
        if (!req && !ack && go) req <= 1'b1;     // start a transfer
        else if (req && ack)    req <= 1'b0;     // done
        busy <= req;                             // BUG: ack follows a stale copy of req
        ack  <= busy && !ack;
    end

    always_ff @(posedge clk) begin
        if ($rose(ack)) assert (req);            // ack only rises while req is up
        if ($fell(req)) assert ($past(ack));     // req falls only after ack
    end
    always_comb cover (req && ack);
endmodule
